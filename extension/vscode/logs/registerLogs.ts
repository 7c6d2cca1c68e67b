import * as vscode from 'vscode';
import { guarded, reportError } from '../common/notify';
import type { EtlServices } from '../common/services';
import { isEtlStepLaunch } from '../../core/logs/debugLaunch';
import { LogStreamer } from './logStreamer';
import { registerOriginLinks } from './originLinks';
import { RunFilter } from './runFilter';
import { SEARCH_SCHEME, SearchResults, searchLogsCommand } from './searchLogsCommand';

export function registerLogs(context: vscode.ExtensionContext, services: EtlServices): LogStreamer {
  const runFilter = new RunFilter(context.workspaceState);
  void runFilter.migrateFromSettings((note) => services.diagnostics.info(note));
  const streamer = new LogStreamer(services, runFilter);
  const show = async () => {
    if (!streamer.running) await streamer.start();
    streamer.channel.show(true);
  };
  // Another run filter: the stream starts again with it.
  const showRuns = async (runIds?: string) => {
    await runFilter.set(runIds);
    await streamer.start();
    streamer.channel.show(true);
  };
  const results = new SearchResults();
  context.subscriptions.push(
    streamer,
    vscode.commands.registerCommand('etlSpark.showLogs', guarded(services, show)),
    // Internal (the Runs view's Show Logs of This Run): not contributed.
    vscode.commands.registerCommand('etlSpark.logs.showRuns', (runIds: string) => showRuns(runIds)),
    vscode.commands.registerCommand('etlSpark.logs.showEveryRun', guarded(services, () => showRuns(undefined))),
    // Not guarded: tests get the results document back (errors still end in one notification).
    vscode.commands.registerCommand('etlSpark.searchLogs', (given?: string) =>
      searchLogsCommand(services, results, given).catch((error) => {
        reportError(services, error);
        return undefined;
      }),
    ),
    vscode.workspace.registerTextDocumentContentProvider(SEARCH_SCHEME, results),
    registerOriginLinks(services),
    vscode.debug.onDidStartDebugSession((session) => {
      if (session.type !== 'debugpy' || !isEtlStepLaunch(session.configuration)) return;
      void show().catch((e) => services.diagnostics.error(String(e)));
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('etlSpark.logs') && streamer.running)
        void streamer.start().catch((e) => services.diagnostics.error(String(e)));
    }),
  );
  return streamer;
}

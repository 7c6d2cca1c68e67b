import * as vscode from 'vscode';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { LogStreamer } from './logStreamer';

/** Python debug sessions of these modules start the log stream by themselves. */
const ETL_MODULES = /^etl\.(extract|transform|submit)/;

export function registerLogs(context: vscode.ExtensionContext, services: EtlServices): LogStreamer {
  const streamer = new LogStreamer(services);
  const show = async () => {
    if (!streamer.running) await streamer.start();
    streamer.channel.show(true);
  };
  context.subscriptions.push(
    streamer,
    vscode.commands.registerCommand('etl.showLogs', guarded(services, show)),
    vscode.debug.onDidStartDebugSession((session) => {
      const module = String(session.configuration.module ?? '');
      if (session.type === 'debugpy' && ETL_MODULES.test(module))
        void show().catch((e) => services.diagnostics.error(String(e)));
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('etl.logs') && streamer.running)
        void streamer.start().catch((e) => services.diagnostics.error(String(e)));
    }),
  );
  return streamer;
}

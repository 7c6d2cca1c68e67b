import * as vscode from 'vscode';
import { esTarget } from '../../core/elasticsearch/client';
import { formatRecord } from '../../core/logs/record';
import {
  describeLogSearch,
  formatSearchResult,
  kibanaDiscoverUrl,
  parseLogSearch,
  searchLogs,
  type LogSearch,
} from '../../core/logs/search';
import { etlLogDir } from '../../core/logs/source';
import type { EtlServices } from '../common/services';
import { ETL_LOGS_LANGUAGE } from './originLinks';

/** Read-only documents holding search results: `etl-spark-logs-search:/<n>/results.etl-logs`. */
export const SEARCH_SCHEME = 'etl-spark-logs-search';

export class SearchResults implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private count = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.texts.get(uri.toString()) ?? '# these search results are gone (the window was reloaded): search again\n'
    );
  }

  add(text: string): vscode.Uri {
    this.count += 1;
    const uri = vscode.Uri.from({ scheme: SEARCH_SCHEME, path: `/${this.count}/ETL log search.log` });
    this.texts.set(uri.toString(), text);
    return uri;
  }
}

async function askForSearch(): Promise<LogSearch | undefined> {
  const input = await vscode.window.showInputBox({
    title: 'ETL: Search Logs',
    prompt:
      'run:<run id>  step:<extract|transform|…>  level:<info|warning|error>  and words of the message (all optional)',
    placeHolder: 'run:20240101T000000Z-ab12 level:error footer',
    ignoreFocusOut: true,
  });
  return input === undefined ? undefined : parseLogSearch(input);
}

/** Compose with Kibana running: offer Discover with the same search. */
async function offerKibana(services: EtlServices, search: LogSearch, lines: number): Promise<void> {
  const stack = await services.stack();
  if (stack.mode !== 'compose') return;
  const kibana = (await stack.status()).find((s) => s.name === 'kibana' && s.state === 'running');
  if (!kibana?.url) return;
  const choice = await vscode.window.showInformationMessage(
    `ETL: ${lines} log line(s) for ${describeLogSearch(search)}.`,
    'Open in Kibana',
  );
  if (choice) await vscode.env.openExternal(vscode.Uri.parse(kibanaDiscoverUrl(kibana.url, search)));
}

/**
 * "ETL: Search Logs": run id, step, level, words; from Elasticsearch (etl-logs-*) when it
 * answers, else from the files; the lines open in a read-only editor whose origins are links.
 * Tests pass the search as text or as a LogSearch and get the document back.
 */
export async function searchLogsCommand(
  services: EtlServices,
  results: SearchResults,
  given?: string | LogSearch,
): Promise<vscode.TextDocument | undefined> {
  const search = typeof given === 'string' ? parseLogSearch(given) : (given ?? (await askForSearch()));
  if (!search) return undefined;
  const config = services.project();
  const index = vscode.workspace.getConfiguration('etlSpark.logs').get<string>('elasticsearchIndex', 'etl-logs-*');
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `ETL: searching logs for ${describeLogSearch(search)}` },
    () =>
      searchLogs(search, {
        es: esTarget(config),
        logDir: etlLogDir(config.paths.root, config.paths.etlLogs),
        index,
      }),
  );
  if (result.fallback) services.diagnostics.warn(`${result.fallback}; searched the log files`);
  const uri = results.add(formatSearchResult(search, result, formatRecord));
  const document = await vscode.languages.setTextDocumentLanguage(
    await vscode.workspace.openTextDocument(uri),
    ETL_LOGS_LANGUAGE,
  );
  await vscode.window.showTextDocument(document, { preview: false });
  void offerKibana(services, search, result.records.length).catch((e) => services.diagnostics.warn(String(e)));
  return document;
}

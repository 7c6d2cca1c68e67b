import * as vscode from 'vscode';
import { esTarget } from '../../core/elasticsearch/client';
import type { LogSource } from '../../core/logs/fileTail';
import { formatRecord, type LogFilter, type LogRecord } from '../../core/logs/record';
import { etlLogDir, openLogSource, type LogSourceSetting } from '../../core/logs/source';
import type { EtlServices } from '../common/services';
import { ETL_LOGS_LANGUAGE } from './originLinks';
import type { RunFilter } from './runFilter';

/** Streams ETL logs into the "ETL Logs" channel from the files or Elasticsearch (setting etl.logs.source). */
export class LogStreamer implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('ETL Logs', ETL_LOGS_LANGUAGE);
  private source: LogSource | undefined;
  /** Lines appended so far (tests, benchmark). */
  lines = 0;
  lastWarning: string | undefined;
  private readonly appended = new vscode.EventEmitter<LogRecord[]>();
  readonly onAppended = this.appended.event;

  constructor(
    private readonly services: EtlServices,
    readonly runFilter: RunFilter,
  ) {}

  get sourceKind(): LogSource['kind'] | undefined {
    return this.source?.kind;
  }

  get running(): boolean {
    return this.source !== undefined;
  }

  async start(filter?: LogFilter): Promise<void> {
    this.stop();
    const config = this.services.project();
    const settings = vscode.workspace.getConfiguration('etlSpark.logs');
    this.lastWarning = undefined;
    this.source = await openLogSource((records) => this.append(records), {
      setting: settings.get<LogSourceSetting>('source', 'files'),
      logDir: etlLogDir(config.paths.root, config.paths.etlLogs),
      es: {
        // The active profile's Elasticsearch: URL, CA and credentials.
        ...esTarget(config),
        index: settings.get<string>('elasticsearchIndex', 'etl-logs-*'),
        overlapMs: 5000,
      },
      filter: filter ?? {
        runId: this.runFilter.get(),
        step: settings.get<string>('step') || undefined,
        levels: settings.get<string[]>('levels', []),
      },
      fromStart: settings.get<boolean>('showHistory', true),
      onFallback: (why) => {
        this.lastWarning = why;
        this.services.diagnostics.warn(why);
        void vscode.window.showWarningMessage(`ETL Logs: ${why}`);
      },
    });
    this.channel.appendLine(
      `── streaming ETL logs from ` +
        `${this.source.kind === 'files' ? etlLogDir(config.paths.root, config.paths.etlLogs) : 'Elasticsearch'} ──`,
    );
  }

  stop(): void {
    this.source?.stop();
    this.source = undefined;
  }

  private append(records: LogRecord[]): void {
    this.channel.append(`${records.map(formatRecord).join('\n')}\n`);
    this.lines += records.length;
    this.appended.fire(records);
  }

  dispose(): void {
    this.stop();
    this.channel.dispose();
    this.appended.dispose();
  }
}

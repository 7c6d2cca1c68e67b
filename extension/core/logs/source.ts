import { resolve } from 'node:path';
import { describeError } from '../errors';
import { EsLogTail, type EsTailOptions } from './esTail';
import { FileLogTail, type LogSource, type RecordSink } from './fileTail';
import type { LogFilter } from './record';

export type LogSourceSetting = 'files' | 'elasticsearch';

export interface OpenLogSourceOptions {
  setting: LogSourceSetting;
  logDir: string;
  es: Omit<EsTailOptions, 'filter'>;
  filter?: LogFilter;
  fromStart?: boolean;
  /** Told when Elasticsearch was asked for but does not answer. */
  onFallback?: (why: string) => void;
}

/** The chosen log source, started; Elasticsearch falls back to the files with a warning. */
export async function openLogSource(sink: RecordSink, options: OpenLogSourceOptions): Promise<LogSource> {
  if (options.setting === 'elasticsearch') {
    let es: EsLogTail | undefined;
    try {
      es = new EsLogTail(
        {
          ...options.es,
          filter: options.filter,
          lookbackMs: options.es.lookbackMs ?? (options.fromStart ? 24 * 3600_000 : 0),
        },
        sink,
      );
      await es.start();
      return es;
    } catch (error) {
      es?.stop();
      options.onFallback?.(
        `${describeError(error).replace(/\n\s*/g, ' ')}; showing ${options.logDir}/*.log instead`,
      );
    }
  }
  const files = new FileLogTail(options.logDir, sink, { filter: options.filter, fromStart: options.fromStart });
  await files.start();
  return files;
}

/** Where the ETL steps write their logs: $ETL_LOG_DIR (as src/etl/logger.py), else ETL_logs/. */
export function etlLogDir(root: string, defaultDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.ETL_LOG_DIR ? resolve(root, env.ETL_LOG_DIR) : defaultDir;
}

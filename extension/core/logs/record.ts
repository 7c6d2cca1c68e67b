/** One ETL log line, whatever its source (ECS JSON file line or Elasticsearch document). */
export interface LogRecord {
  timestamp: string;
  level: string;
  step: string;
  runId: string;
  message: string;
  /** Identity for de-duplication (ES: index/_id; file: file:offset). */
  id: string;
  /** Where in the code the line was logged (ECS log.origin): ecs-logging gives the file's base name. */
  origin?: { file: string; line: number };
}

export interface LogFilter {
  runId?: string;
  step?: string;
  /** Lower-case level names to keep (e.g. ["error", "warning"]). */
  levels?: string[];
}

type Doc = Record<string, unknown>;

/** Reads `a.b.c` from either nested objects (ecs-logging output) or flat dotted keys. */
function pick(doc: Doc, path: string): unknown {
  if (path in doc) return doc[path];
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Doc)[part];
  }
  return value;
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function originOf(doc: Doc): LogRecord['origin'] {
  const file = text(pick(doc, 'log.origin.file.name'));
  const line = Number(pick(doc, 'log.origin.file.line'));
  return file && Number.isInteger(line) && line > 0 ? { file, line } : undefined;
}

export function recordFromEcs(doc: Doc, id: string): LogRecord {
  const origin = originOf(doc);
  return {
    ...(origin ? { origin } : {}),
    timestamp: text(pick(doc, '@timestamp')),
    level: text(pick(doc, 'log.level')).toLowerCase() || 'info',
    step: text(pick(doc, 'etl.step')),
    runId: text(pick(doc, 'etl.run_id') ?? pick(doc, 'labels.run_id')),
    message: text(pick(doc, 'message')),
    id,
  };
}

/** A line of a file log; a line that is not JSON is kept as a message (a traceback, a console print). */
export function parseEcsLine(line: string, id: string, fallbackStep: string): LogRecord {
  try {
    const doc = JSON.parse(line) as Doc;
    if (doc && typeof doc === 'object') {
      const record = recordFromEcs(doc, id);
      return { ...record, step: record.step || fallbackStep };
    }
  } catch {
    /* not JSON: below */
  }
  return { timestamp: '', level: 'info', step: fallbackStep, runId: '', message: line, id };
}

/** `runId` may name several runs, comma separated (a pipeline run's extraction and transform). */
export const runIdsOf = (runId: string | undefined) => (runId ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function matchesFilter(record: LogRecord, filter: LogFilter = {}): boolean {
  if (filter.runId && !runIdsOf(filter.runId).includes(record.runId)) return false;
  if (filter.step && record.step !== filter.step) return false;
  if (filter.levels?.length && !filter.levels.includes(record.level)) return false;
  return true;
}

/**
 * `2024-..Z [extract] INFO run-id message (run.py:42)`: step and level on every line; the code
 * origin last, in the form the editor turns into a link (extension/core/logs/origin.ts).
 */
export function formatRecord(record: LogRecord): string {
  const run = record.runId ? ` ${record.runId}` : '';
  const origin = record.origin ? ` (${record.origin.file}:${record.origin.line})` : '';
  return `${record.timestamp || '-'} [${record.step || '?'}] ${record.level.toUpperCase()}${run} ` +
    `${record.message}${origin}`;
}

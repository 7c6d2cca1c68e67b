import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { esClient, explainEsError, type EsTarget } from '../elasticsearch/client';
import { describeError } from '../errors';
import { parseEcsLine, recordFromEcs, type LogRecord } from './record';

/** What "ETL: Search Logs" asks for. Every part is optional; all given parts must match. */
export interface LogSearch {
  runId?: string;
  step?: string;
  /** One level (info, warning, error, …), lower case. */
  level?: string;
  /** Words of the message (Elasticsearch: full-text match of all words; files: each word, case-insensitive). */
  text?: string;
  /** At most this many lines, the newest (default 1000). */
  limit?: number;
}

export interface LogSearchResult {
  source: 'elasticsearch' | 'files';
  records: LogRecord[];
  /** More lines matched than were returned. */
  truncated: boolean;
  /** Why the files were searched although Elasticsearch was asked for. */
  fallback?: string;
}

const KEYS: Record<string, keyof LogSearch> = { run: 'runId', run_id: 'runId', step: 'step', level: 'level' };

/**
 * `run:ID step:extract level:error words…` → a LogSearch. Unknown `key:` parts stay text, so
 * a message containing a colon can still be searched for.
 */
export function parseLogSearch(input: string): LogSearch {
  const search: LogSearch = {};
  const words: string[] = [];
  for (const part of input.trim().split(/\s+/).filter(Boolean)) {
    const colon = part.indexOf(':');
    const key = colon > 0 ? KEYS[part.slice(0, colon).toLowerCase()] : undefined;
    const value = colon > 0 ? part.slice(colon + 1) : '';
    if (key && value) (search as Record<string, string>)[key] = key === 'level' ? value.toLowerCase() : value;
    else words.push(part);
  }
  if (words.length) search.text = words.join(' ');
  return search;
}

export function describeLogSearch(search: LogSearch): string {
  const parts = [
    search.runId && `run ${search.runId}`,
    search.step && `step ${search.step}`,
    search.level && `level ${search.level}`,
    search.text && `"${search.text}"`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'every line';
}

function esQuery(search: LogSearch): object {
  const filter: object[] = [];
  if (search.runId) {
    filter.push({
      bool: {
        should: [{ term: { 'etl.run_id': search.runId } }, { term: { 'labels.run_id': search.runId } }],
        minimum_should_match: 1,
      },
    });
  }
  if (search.step) filter.push({ term: { 'etl.step': search.step } });
  if (search.level) filter.push({ term: { 'log.level': search.level } });
  const must = search.text ? [{ match: { message: { query: search.text, operator: 'and' } } }] : [];
  return { bool: { filter, must } };
}

/** The newest matching documents of the etl-logs-* indices, returned oldest first. */
export async function searchElasticsearch(
  target: EsTarget,
  search: LogSearch,
  index = 'etl-logs-*',
): Promise<LogSearchResult> {
  const client = esClient(target, 10_000);
  try {
    const limit = search.limit ?? 1000;
    const response = await client.search({
      index,
      ignore_unavailable: true,
      allow_no_indices: true,
      size: limit,
      track_total_hits: limit + 1,
      query: esQuery(search),
      sort: [
        { '@timestamp': { order: 'desc', unmapped_type: 'date' } },
        { 'log.offset': { order: 'desc', unmapped_type: 'long' } },
      ] as never,
    });
    const records = response.hits.hits.map((hit) =>
      recordFromEcs((hit._source ?? {}) as Record<string, unknown>, `${hit._index}/${hit._id}`),
    );
    const total = response.hits.total;
    const count = typeof total === 'number' ? total : (total?.value ?? records.length);
    return { source: 'elasticsearch', records: records.reverse(), truncated: count > records.length };
  } catch (error) {
    throw explainEsError(error, target);
  } finally {
    await client.close();
  }
}

/** `step.log` and its backups `step.log.1` … (oldest first within a step). */
function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((n) => /\.log(\.\d+)?$/.test(n));
  const backupNumber = (n: string) => Number(/\.log\.(\d+)$/.exec(n)?.[1] ?? 0);
  return names.sort((a, b) => backupNumber(b) - backupNumber(a)).map((n) => join(dir, n));
}

export function matchesSearch(record: LogRecord, search: LogSearch): boolean {
  if (search.runId && record.runId !== search.runId) return false;
  if (search.step && record.step !== search.step) return false;
  if (search.level && record.level !== search.level) return false;
  if (search.text) {
    const message = record.message.toLowerCase();
    if (
      !search.text
        .toLowerCase()
        .split(/\s+/)
        .every((word) => message.includes(word))
    )
      return false;
  }
  return true;
}

/** The same search over `<dir>/*.log*` (every backup too), when Elasticsearch does not run. */
export function searchFiles(dir: string, search: LogSearch): LogSearchResult {
  const matches: LogRecord[] = [];
  for (const file of logFiles(dir)) {
    const step = file.slice(dir.length + 1).replace(/\.log(\.\d+)?$/, '');
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (!line.trim()) return;
        const record = parseEcsLine(line, `${file}:${index + 1}`, step);
        if (matchesSearch(record, search)) matches.push(record);
      });
  }
  // Stable sort: lines without a timestamp keep their place after the line before them.
  matches.sort((a, b) => (a.timestamp && b.timestamp ? Date.parse(a.timestamp) - Date.parse(b.timestamp) : 0));
  const limit = search.limit ?? 1000;
  return { source: 'files', records: matches.slice(-limit), truncated: matches.length > limit };
}

/** Elasticsearch when it answers, else the files (saying why). */
export async function searchLogs(
  search: LogSearch,
  where: { es?: EsTarget; logDir: string; index?: string },
): Promise<LogSearchResult> {
  if (!where.es) return searchFiles(where.logDir, search);
  try {
    return await searchElasticsearch(where.es, search, where.index);
  } catch (error) {
    return { ...searchFiles(where.logDir, search), fallback: describeError(error).replace(/\n\s*/g, ' ') };
  }
}

/** Kibana's Discover on the "ETL logs" data view, with the same search as KQL. */
export function kibanaDiscoverUrl(kibana: string, search: LogSearch): string {
  const quote = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  const kql = [
    search.runId && `labels.run_id:${quote(search.runId)}`,
    search.step && `etl.step:${quote(search.step)}`,
    search.level && `log.level:${quote(search.level)}`,
    search.text && `message:${quote(search.text)}`,
  ]
    .filter(Boolean)
    .join(' and ');
  // Rison inside the URL: single quotes delimit strings, `!` escapes ' and !.
  const rison = `'${kql.replaceAll('!', '!!').replaceAll("'", "!'")}'`;
  const state = `(query:(language:kuery,query:${rison}))`;
  return `${kibana.replace(/\/$/, '')}/app/discover#/?_a=${encodeURIComponent(state)}&_g=(time:(from:now-7d,to:now))`;
}

const NEWEST_ONLY = ', the newest only (narrow the search for more)';

/** The results document: a header, then one formatted line per record. */
export function formatSearchResult(
  search: LogSearch,
  result: LogSearchResult,
  format: (r: LogRecord) => string,
): string {
  const where = result.source === 'elasticsearch' ? 'Elasticsearch (etl-logs-*)' : 'the log files';
  const header = [
    `# ETL log search: ${describeLogSearch(search)}`,
    `# ${result.records.length} line(s) from ${where}${result.truncated ? NEWEST_ONLY : ''}`,
    ...(result.fallback ? [`# ${result.fallback}: searched the files instead`] : []),
    '',
  ];
  return `${[...header, ...result.records.map(format)].join('\n')}\n`;
}

import { hostname } from 'node:os';

type Doc = Record<string, unknown>;

/** The ndjson parser's `expand_keys: true`: {"log.level": x} becomes {log: {level: x}}. */
export function expandKeys(flat: Doc): Doc {
  const out: Doc = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.startsWith('@') ? [key] : key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Doc;
    const last = parts[parts.length - 1];
    const nested = value && typeof value === 'object' && !Array.isArray(value) ? expandKeys(value as Doc) : value;
    node[last] =
      nested && typeof nested === 'object' && typeof node[last] === 'object'
        ? { ...(node[last] as Doc), ...(nested as Doc) }
        : nested;
  }
  return out;
}

/**
 * What the compose stack's Filebeat (filestream + ndjson parser, target "") and
 * Logstash pipeline (elk/logstash/pipeline/etl.conf) make of one ETL_logs line:
 * the line's own ECS fields, plus the shipper's file, offset and input fields.
 */
export function shippedDocument(line: string, path: string, offset: number): Record<string, unknown> {
  const ecs = expandKeys(JSON.parse(line) as Doc);
  const log = (ecs.log ?? {}) as Doc;
  return {
    ...ecs,
    log: { ...log, file: { path }, offset },
    input: { type: 'filestream' },
    host: { name: hostname() },
    '@version': '1',
  };
}

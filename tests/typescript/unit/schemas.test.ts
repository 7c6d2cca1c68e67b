import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseEventLine, type ExtractEvent } from '../../../extension/core/extract/events';
import { parsePreviewLine, type PreviewEvent } from '../../../extension/core/preview/events';
import { parseProfileFile } from '../../../extension/core/profiles/schema';
import { parseRestoreLine, type RestoreEvent } from '../../../extension/core/restore/events';
import { parseReport, type QualityReport } from '../../../extension/core/runs/report';
import { SCHEMAS, type SchemaName, validated } from '../../../extension/core/schemas';
import { parseTransformLine, type TransformEvent } from '../../../extension/core/transform/events';
import { ROOT } from '../helpers/cli';

/**
 * config/*.schema.json against what the Python side emits (tests/fixtures/schemas/, written by
 * tests/python/unit/test_schemas.py from the emitters' code paths) and against the TypeScript types.
 */
const samples = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/schemas', `${name}.json`), 'utf8')) as { samples: unknown[] })
    .samples;

/** Only the required fields of each member of a union (an optional field given is a compile error). */
type Minimal<U> = U extends unknown
  ? { [K in keyof U as string extends K ? never : object extends Pick<U, K> ? never : K]: U[K] }
  : never;

/** One event of each kind with exactly the fields its TypeScript type requires. */
const EXTRACT: { [E in ExtractEvent['event']]: Minimal<Extract<ExtractEvent, { event: E }>> } = {
  run_start: { event: 'run_start', run_id: 'r', months: ['2024-01'], source: 's', zones_source: null, bucket: 'b' },
  file_start: { event: 'file_start', kind: 'trips', month: '2024-01', url: 'u', path: 'p' },
  bytes: { event: 'bytes', kind: 'zones', month: null, bytes: 1, total: null },
  retry: { event: 'retry', kind: 'trips', month: '2024-01', attempt: 1, delay_s: 0.5, error: 'e' },
  file_done: {
    event: 'file_done', kind: 'trips', month: '2024-01', url: 'u', path: 'p', size: 1, sha256: 'a'.repeat(64),
    status: 'uploaded',
  },
  file_failed: { event: 'file_failed', kind: 'trips', month: '2024-01', url: 'u', error: 'e' },
  run_done: { event: 'run_done', run_id: 'r', status: 'failed', files: 0, bytes: 0, manifest: 'm', error: 'e' },
  crashed: { event: 'crashed', error: 'e', file: null, line: null },
};

const TRANSFORM: { [E in TransformEvent['event']]: Minimal<Extract<TransformEvent, { event: E }>> } = {
  previous_unfinished: { event: 'previous_unfinished', run_id: 'r', phase: 'write', written: [], message: 'm' },
  run_start: { event: 'run_start', run_id: 'r', app_id: 'a', ui_url: null, master: 'm', manifest_run: null },
  phase: { event: 'phase', phase: 'read' },
  checks: { event: 'checks', results: [] },
  table_written: { event: 'table_written', table: 't', months: [], path: 'p' },
  run_done: { event: 'run_done', run_id: 'r', status: 'failed', report: null, report_path: null, error: 'e' },
};

const PREVIEW: { [E in PreviewEvent['event']]: Minimal<Extract<PreviewEvent, { event: E }>> } = {
  preview_start: { event: 'preview_start', preview_id: 'p', out: 'o' },
  preview_inputs: {
    event: 'preview_inputs', preview_id: 'p', described: 'd', months: ['2024-01'], inputs: ['i'], zones: 'z',
  },
  phase: { event: 'phase', phase: 'read' },
  preview_done: { event: 'preview_done', status: 'failed', seconds: 0, error: 'e', file: null, line: null },
};

const RESTORE: { [E in RestoreEvent['event']]: Minimal<Extract<RestoreEvent, { event: E }>> } = {
  restore_start: { event: 'restore_start', run_id: 'r', before_run: 't', tables: { fact_trips: 1 } },
  table_restored: {
    event: 'table_restored', table: 't', from: 2, to: 1, restored_version: 3, seconds: 0.5,
  },
  table_failed: { event: 'table_failed', table: 't', to: null, error: 'e' },
  restore_done: {
    event: 'restore_done', run_id: 'r', status: 'failed', report: null, report_path: null, error: 'e', restored: [],
    not_restored: ['t'],
  },
};

/** The reader's report type (runs/report.ts), its required fields only. */
const REPORT: Minimal<QualityReport> = {
  run_id: 'r', status: 'succeeded', started_at: 's', ended_at: 'e', rows_read: 1, rows_kept: 1, rows_rejected: 0,
  rejected_by_rule: {}, months: {},
};

/** The schema requires what the type requires, no more (the minimal object passes) and no less (each field). */
function assertRequiredAgree(schema: Exclude<SchemaName, 'profiles'>, minimal: object) {
  const what = JSON.stringify(minimal);
  let reason = '';
  assert.ok(validated(schema, minimal, (why) => (reason = why)), `${what}: ${reason}`);
  for (const field of Object.keys(minimal)) {
    if (field === 'event') continue;
    const without: Record<string, unknown> = { ...minimal };
    delete without[field];
    reason = '';
    assert.equal(validated(schema, without, (why) => (reason = why)), undefined, `${what} without ${field}`);
    assert.match(reason, new RegExp(`"${field}" is missing`), what);
  }
}

describe('JSON Schemas of config/', () => {
  test('the extractor\'s and the transform\'s events from the Python emitters parse', () => {
    const extract = samples('extract-events');
    assert.ok(extract.length >= 8);
    for (const event of extract) assert.deepEqual(parseEventLine(JSON.stringify(event)), event);
    const transform = samples('transform-events');
    for (const event of transform) assert.deepEqual(parseTransformLine(JSON.stringify(event)), event);
    const kinds = new Set(transform.map((e) => (e as TransformEvent).event));
    assert.deepEqual([...kinds].sort(), Object.keys(TRANSFORM).sort());
    assert.deepEqual([...new Set(extract.map((e) => (e as ExtractEvent).event))].sort(), Object.keys(EXTRACT).sort());
  });

  test('the preview\'s and the restore\'s events from the Python emitters parse', () => {
    const preview = samples('preview-events');
    for (const event of preview) assert.deepEqual(parsePreviewLine(JSON.stringify(event)), event);
    assert.deepEqual([...new Set(preview.map((e) => (e as PreviewEvent).event))].sort(), Object.keys(PREVIEW).sort());
    const restore = samples('restore-events');
    for (const event of restore) assert.deepEqual(parseRestoreLine(JSON.stringify(event)), event);
    assert.deepEqual([...new Set(restore.map((e) => (e as RestoreEvent).event))].sort(), Object.keys(RESTORE).sort());
  });

  test('the quality reports the Python side writes parse', () => {
    for (const report of samples('quality-report')) {
      const parsed = parseReport(JSON.stringify(report), 'gold/_quality/x.json');
      assert.ok('run_id' in parsed, JSON.stringify(parsed));
    }
  });

  test('the types and the schemas agree on the required fields of every event and of the report', () => {
    for (const minimal of Object.values(EXTRACT)) assertRequiredAgree('extractEvents', minimal);
    for (const minimal of Object.values(TRANSFORM)) assertRequiredAgree('transformEvents', minimal);
    for (const minimal of Object.values(PREVIEW)) assertRequiredAgree('previewEvents', minimal);
    for (const minimal of Object.values(RESTORE)) assertRequiredAgree('restoreEvents', minimal);
    assertRequiredAgree('qualityReport', REPORT);
    assert.deepEqual(SCHEMAS.previewEvents.properties.event.enum.slice().sort(), Object.keys(PREVIEW).sort());
    assert.deepEqual(SCHEMAS.restoreEvents.properties.event.enum.slice().sort(), Object.keys(RESTORE).sort());
    assert.deepEqual(
      SCHEMAS.extractEvents.properties.event.enum.slice().sort(), Object.keys(EXTRACT).sort(), 'every kind typed',
    );
    assert.deepEqual(SCHEMAS.transformEvents.properties.event.enum.slice().sort(), Object.keys(TRANSFORM).sort());
  });

  test('a broken event is noise, and the reason names the field', () => {
    const reasons: string[] = [];
    const line = JSON.stringify({ ...EXTRACT.bytes, bytes: '10' });
    assert.equal(parseEventLine(line, (why) => reasons.push(why)), undefined);
    assert.match(reasons[0], /field "bytes" must be integer/);
    assert.equal(parseEventLine('{"event": "file_done", "kind": "trips"}', (why) => reasons.push(why)), undefined);
    assert.match(reasons[1], /field "month" is missing/);
    const done = { ...TRANSFORM.run_done, report: { run_id: 't' } };
    assert.equal(parseTransformLine(JSON.stringify(done), (why) => reasons.push(why)), undefined);
    assert.match(reasons[2], /field "report\/[a-z_]+" is missing/);
    assert.equal(parseTransformLine(JSON.stringify({ ...TRANSFORM.phase, surprise: 1 })), undefined);
    assert.equal(parseEventLine('not json at all'), undefined);
    assert.equal(parseEventLine('{"event": "unknown_kind"}'), undefined);
    assert.equal(parsePreviewLine(JSON.stringify({ ...PREVIEW.preview_done, status: 'succeeded' }), (why) =>
      reasons.push(why)), undefined);
    assert.match(reasons[3], /field "preview_id" is missing|field "described" is missing/);
    assert.equal(parseRestoreLine(JSON.stringify({ ...RESTORE.table_restored, to: 'v1' }), (why) =>
      reasons.push(why)), undefined);
    assert.match(reasons[4], /field "to" must be integer/);
  });

  test('a broken report names its file and the field', () => {
    const { error } = parseReport(JSON.stringify({ ...REPORT, rows_kept: 'many' }), 's3://gold/_quality/t.json') as {
      error: string;
    };
    assert.match(error, /s3:\/\/gold\/_quality\/t\.json is not a quality report: field "rows_kept" must be integer/);
  });

  test('the profile file\'s schema is the loader\'s contract: a field it refuses is named with the file', () => {
    const file = { profiles: { team: { s3: { mode: 'external', endpoint: 'https://s3', accessKeyEnv: 'A',
      secretKeyEnv: 'B', buckets: { rawzone: 'Not_A_Bucket' } } } } };
    assert.throws(() => parseProfileFile(file, '/p/etl-profiles.json'), /etl-profiles\.json: .*s3\.buckets\.rawzone/);
    let reason = '';
    assert.equal(validated('profiles', file, (why) => (reason = why)), undefined);
    assert.match(reason, /field "profiles\/team\/s3\/buckets\/rawzone" must match pattern/);
    const ok = { profiles: { team: { spark: { mode: 'external', masterUrl: 'spark://m:7077', driverPort: 40000 } } } };
    assert.equal(parseProfileFile(ok, 'f').team.spark.mode, 'external');
  });

  test('100k progress lines parse fast (the validator is compiled once)', () => {
    const lines = samples('extract-events').map((e) => JSON.stringify(e));
    const count = 100_000;
    const started = performance.now();
    let parsed = 0;
    for (let i = 0; i < count; i += 1) if (parseEventLine(lines[i % lines.length])) parsed += 1;
    const ms = performance.now() - started;
    console.log(`# ${count} extract events parsed and validated in ${ms.toFixed(0)} ms`);
    assert.equal(parsed, count);
    assert.ok(ms < 3000, `${ms} ms`);
  });
});

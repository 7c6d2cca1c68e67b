import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  extractedPaths,
  loadManifest,
  manifestPath,
  parseManifest,
  storeLabel,
  summarizeRuns,
  type Manifest,
} from '../../../extension/core/manifest/model';

const file = (month: string, kind: 'trips' | 'zones' = 'trips', size = 100) => ({
  kind,
  month,
  size,
  sha256: 'x',
  extracted_at: '2026-01-01T00:00:00Z',
  status: 'uploaded' as const,
  source_url: 'file:///x',
  bucket: 'rawzone',
  key: kind === 'trips' ? `yellow_tripdata/${month}.parquet` : 'reference/taxi_zone_lookup.csv',
  path:
    kind === 'trips'
      ? `s3a://rawzone/yellow_tripdata/${month}.parquet`
      : 's3a://rawzone/reference/taxi_zone_lookup.csv',
});
const run = (
  id: string,
  startedAt: string,
  status: 'running' | 'succeeded' | 'failed',
  files: ReturnType<typeof file>[],
) => ({
  run_id: id,
  step: 'extract',
  status,
  started_at: startedAt,
  ended_at: status === 'running' ? null : startedAt,
  months: files.map((f) => f.month ?? ''),
  source_template: 's',
  zones_source: null,
  bucket: 'rawzone',
  minio_endpoint: 'http://127.0.0.1:9000',
  error: status === 'failed' ? 'boom' : null,
  files,
});
const manifest: Manifest = {
  schema_version: 1,
  updated_at: '2026-01-02T00:00:00Z',
  runs: [
    run('r1', '2026-01-01T00:00:00Z', 'succeeded', [file('2024-01'), file('', 'zones', 50)]),
    run('r2', '2026-01-02T00:00:00Z', 'failed', [file('2024-01'), file('2024-02', 'trips', 7)]),
  ],
};

describe('manifest model', () => {
  test('runs come newest first with their file count and bytes', () => {
    const runs = summarizeRuns(manifest);
    assert.deepEqual(
      runs.map((r) => [r.runId, r.status, r.fileCount, r.bytes, r.error]),
      [
        ['r2', 'failed', 2, 107, 'boom'],
        ['r1', 'succeeded', 2, 150, null],
      ],
    );
  });

  test('extracted paths are unique and sorted, per kind and per run', () => {
    assert.deepEqual(extractedPaths(manifest), [
      's3a://rawzone/yellow_tripdata/2024-01.parquet',
      's3a://rawzone/yellow_tripdata/2024-02.parquet',
    ]);
    assert.deepEqual(extractedPaths(manifest, 'trips', 'r1'), ['s3a://rawzone/yellow_tripdata/2024-01.parquet']);
    assert.deepEqual(extractedPaths(manifest, 'zones'), ['s3a://rawzone/reference/taxi_zone_lookup.csv']);
  });

  test('a missing file is an empty manifest; a broken one a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    assert.deepEqual(loadManifest(join(dir, 'none.json')).runs, []);
    writeFileSync(join(dir, 'bad.json'), '{"runs": [');
    assert.throws(() => loadManifest(join(dir, 'bad.json')), /not valid JSON/);
    assert.throws(() => parseManifest('{"schema_version": 2, "runs": []}'), /unknown format/);
  });

  test('a run records the store it went to; an older run without one still loads', () => {
    const store = { id: '6f1c0d2e-4b7a-4f1e-9a53-0c2d8e7f1a90', endpoint: 'http://127.0.0.1:9000', mode: 'compose' };
    const text = JSON.stringify({ ...manifest, runs: [{ ...manifest.runs[0], store }, manifest.runs[1]] });
    const [recorded, older] = summarizeRuns(parseManifest(text)).reverse(); // r1 (with a store) is the older run
    assert.deepEqual(recorded.store, store);
    assert.equal(storeLabel(recorded.store), 'compose store at http://127.0.0.1:9000');
    assert.equal(older.store, undefined);
    assert.equal(storeLabel(older.store), undefined);
  });

  test('the manifest path follows ETL_BACKUP_DIR like the Python side', () => {
    assert.equal(manifestPath('/p', {}), '/p/Backup_data/extracted_paths.json');
    assert.equal(manifestPath('/p', { ETL_BACKUP_DIR: 'elsewhere' }), '/p/elsewhere/extracted_paths.json');
  });
});

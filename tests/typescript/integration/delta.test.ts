import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { s3Client } from '../../../extension/core/s3/client';
import { deltaTableOf, fileStatus } from '../../../extension/core/s3/delta';
import { listAllKeys } from '../../../extension/core/s3/listing';
import { previewObject } from '../../../extension/core/s3/preview';
import { adminClient } from '../../../extension/core/stack/buckets';
import { ROOT, projectConfig } from '../helpers/cli';

// A real Delta table written by delta-spark 4.0.0 (tests/fixtures/delta-table): January written,
// February written, then January replaced by 10 reruns (versions 2-11, a checkpoint at 10).
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'delta-table');
const config = projectConfig();
const client = s3Client(config);
// The ETL key may not create or delete buckets: scratch buckets are the admin's.
const admin = adminClient(config);
const bucket = `${config.buckets.gold}-deltatest-${randomBytes(4).toString('hex')}`;
const TABLE = 'fact_trips/';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );
}

describe('Delta tables in the bucket view and preview, against the real MinIO', { timeout: 120_000 }, () => {
  before(async () => {
    await admin.makeBucket(bucket, config.minio.region);
    for (const file of files(FIXTURE)) await client.fPutObject(bucket, TABLE + relative(FIXTURE, file), file);
  });

  after(async () => {
    const keys = (await listAllKeys(client, bucket, '')).map((e) => e.key);
    if (keys.length) await client.removeObjects(bucket, keys);
    await admin.removeBucket(bucket);
  });

  test('the snapshot holds the last January and the February only; older Januaries are superseded', async () => {
    const snapshot = await deltaTableOf(client, bucket, `${TABLE}pickup_year=2024/pickup_month=1/`);
    assert.ok(snapshot);
    assert.equal(snapshot.root, TABLE);
    assert.equal(snapshot.version, 11);
    const january = (await listAllKeys(client, bucket, `${TABLE}pickup_year=2024/pickup_month=1/`)).map((e) => e.key);
    assert.equal(january.length, 11);
    assert.equal(january.filter((k) => fileStatus(snapshot, k) === 'current').length, 1);
    assert.equal([...snapshot.current].filter((k) => k.includes('pickup_month=2/')).length, 1);
    assert.equal(snapshot.current.size, 2);
    assert.equal(fileStatus(snapshot, `${TABLE}_delta_log/00000000000000000011.json`), 'log');
  });

  test('with the early commits gone, the checkpoint (read with hyparquet) gives the same snapshot', async () => {
    const full = await deltaTableOf(client, bucket, TABLE);
    const early = Array.from({ length: 10 }, (_, v) => `${TABLE}_delta_log/${String(v).padStart(20, '0')}.json`);
    await client.removeObjects(bucket, early);
    const fromCheckpoint = await deltaTableOf(client, bucket, TABLE);
    assert.equal(fromCheckpoint?.version, 11);
    assert.deepEqual([...(fromCheckpoint?.current ?? [])].sort(), [...(full?.current ?? [])].sort());
  });

  test('previewing a data file says whether the table still reads it', async () => {
    const snapshot = await deltaTableOf(client, bucket, TABLE);
    assert.ok(snapshot);
    const january = (await listAllKeys(client, bucket, `${TABLE}pickup_year=2024/pickup_month=1/`)).map((e) => e.key);
    const current = january.find((k) => snapshot.current.has(k)) ?? '';
    const old = january.find((k) => !snapshot.current.has(k)) ?? '';
    assert.match(
      await previewObject(client, bucket, current),
      /^# Delta table fact_trips\/ \(version 11\): this file is in the current snapshot/,
    );
    assert.match(
      await previewObject(client, bucket, old),
      /^# Delta table fact_trips\/ \(version 11\): this file is NOT in the current snapshot.*VACUUM/,
    );
    const checkpoint = await previewObject(
      client,
      bucket,
      `${TABLE}_delta_log/00000000000000000010.checkpoint.parquet`,
    );
    assert.match(checkpoint, /^# Delta table fact_trips\/ \(version 11\): this file is part of the table's log/);
    assert.match(checkpoint, /# Parquet: /);
  });
});

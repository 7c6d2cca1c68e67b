import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { s3Client } from '../../../extension/core/s3/client';
import { deleteTarget } from '../../../extension/core/s3/delete';
import { adminClient } from '../../../extension/core/stack/buckets';
import { etl, projectConfig } from '../helpers/cli';

// `etl pipeline` as a user runs it (the built CLI), on the real native stack, into scratch buckets.
const config = projectConfig();
const suffix = randomBytes(3).toString('hex');
const buckets = { rawzone: `${config.buckets.rawzone}-pipe-${suffix}`, gold: `${config.buckets.gold}-pipe-${suffix}` };
const env = {
  RAWZONE_BUCKET: buckets.rawzone, GOLD_BUCKET: buckets.gold,
  ETL_BACKUP_DIR: mkdtempSync(join(tmpdir(), 'pipeline-backup-')),
  ETL_LOG_DIR: mkdtempSync(join(tmpdir(), 'pipeline-logs-')),
};
const admin = adminClient(config);
const client = s3Client(config);

describe('etl pipeline: extract, then transform that run, on the real stack', { timeout: 900_000 }, () => {
  before(async () => {
    for (const bucket of Object.values(buckets)) await admin.makeBucket(bucket, config.minio.region);
  });

  after(async () => {
    for (const bucket of Object.values(buckets)) {
      await deleteTarget(client, { bucket, prefix: '' });
      await admin.removeBucket(bucket);
    }
  });

  test('one sample month: extracted, transformed (only that run), the quality report printed and stored', async () => {
    const runId = `pipeline-${suffix}`;
    const result = await etl(['pipeline', '--month', '2024-01', '--sample', '--run-id', runId], env, 800_000);
    assert.equal(result.exitCode, 0, result.all);
    assert.match(result.stdout, new RegExp(`^extract run ${runId}: 2 file\\(s\\)`, 'm'));
    assert.match(result.stdout, /^rows kept\s+19,600\s+19,600$/m);
    assert.match(result.stderr, new RegExp(`transform extraction run ${runId}`));
    const stored = await client.getObject(buckets.gold, '_quality/latest.json');
    const latest = JSON.parse((await stored.toArray()).join(''));
    assert.equal(latest.manifest_run, runId);
    assert.deepEqual([latest.rows_read, latest.rows_kept, latest.rows_rejected], [20_000, 19_600, 400]);
  });

  test('usage: --month and --months together are refused (exit 2)', async () => {
    const args = ['pipeline', '--month', '2024-01', '--months', '2024-02'];
    const result = await etl(args, { MINIO_API_PORT: '1' }, 60_000);
    assert.equal(result.exitCode, 2, result.all);
    assert.match(result.all ?? '', /give either --month or --months, not both/);
  });
});

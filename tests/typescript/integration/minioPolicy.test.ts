import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import type { Client } from 'minio';
import { endpointOf, s3Client } from '../../../extension/core/s3/client';
import { listAllKeys } from '../../../extension/core/s3/listing';
import { locateRuntimes } from '../../../extension/core/runtimes';
import { adminClient } from '../../../extension/core/stack/buckets';
import { ETL_POLICY_NAME, etlPolicy } from '../../../extension/core/stack/minioUser';
import { ROOT, etl, projectConfig } from '../helpers/cli';

/**
 * The ETL's key (MINIO_ACCESS_KEY) against the real MinIO: it reads and writes objects
 * in its buckets and does nothing else. Buckets are made and removed with the admin key.
 */
const config = projectConfig();
const etlKey = s3Client(config);
const admin = adminClient(config);
const scratch = `${config.buckets.rawzone}-policy-${randomBytes(4).toString('hex')}`;
const mcDir = mkdtempSync(join(tmpdir(), 'mc-policy-'));

/** `mc` as MinIO's root user; credentials in the environment, never in the arguments. */
function mcAdmin(args: string[]) {
  const { rootUser, rootPassword, apiPort } = config.minio;
  const host = `http://${encodeURIComponent(rootUser)}:${encodeURIComponent(rootPassword)}@${config.bindHost}:${apiPort}`;
  return execa(locateRuntimes(ROOT, config.paths.cache).mc, ['--config-dir', mcDir, '--no-color', ...args], {
    env: { PATH: process.env.PATH, HOME: mcDir, MC_HOST_etl: host }, reject: false, all: true,
  });
}

async function refused(action: () => Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(action, (error: { code?: string }) => {
    assert.equal(error.code, 'AccessDenied', `${what}: expected AccessDenied, got ${String(error.code)}`);
    return true;
  }, `${what} must be refused`);
}

const publicRead = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] },
    ],
  });

async function roundTrip(client: Client, bucket: string): Promise<void> {
  const key = `_policy-test/${randomBytes(4).toString('hex')}.txt`;
  await client.putObject(bucket, key, Buffer.from('hello'));
  const body = await client.getObject(bucket, key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'hello');
  assert.deepEqual((await listAllKeys(client, bucket, '_policy-test/')).map((e) => e.key), [key]);
  await client.removeObject(bucket, key);
  assert.deepEqual(await listAllKeys(client, bucket, '_policy-test/'), []);
}

describe("the ETL's MinIO key has least privilege", { timeout: 300_000 }, () => {
  before(async () => {
    await admin.makeBucket(scratch, config.minio.region);
  });

  after(async () => {
    const keys = (await listAllKeys(admin, scratch, '')).map((e) => e.key);
    if (keys.length) await admin.removeObjects(scratch, keys);
    await admin.removeBucket(scratch);
  });

  test('etl up gives an existing user the policy of config/minio-etl-policy.json, replacing a broader ' +
    'one', async () => {
    const file = join(mcDir, 'broad.json');
    writeFileSync(
      file,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
      }),
    );
    const broadened = await mcAdmin(['admin', 'policy', 'create', 'etl', ETL_POLICY_NAME, file]);
    assert.equal(broadened.exitCode, 0, broadened.all); // what an older `etl up` left: s3:* on everything
    const up = await etl(['up']);
    assert.equal(up.exitCode, 0, up.all);
    const info = await mcAdmin(['admin', 'policy', 'info', 'etl', ETL_POLICY_NAME, '--json']);
    assert.equal(info.exitCode, 0, info.all);
    const applied = JSON.parse(info.stdout) as { policyInfo: { Policy: { Statement: unknown[] } } };
    const expected = etlPolicy(ROOT, config.buckets) as { Statement: { Sid?: string }[] };
    // MinIO sorts actions and resources and drops the Sids: compare what each statement allows.
    const normalise = (statements: unknown[]) =>
      JSON.stringify(
        statements.map((s) => {
          const { Effect, Action, Resource } = s as { Effect: string; Action: string[]; Resource: string[] };
          return { Effect, Action: [...Action].sort(), Resource: [...Resource].sort() };
        }),
      );
    assert.equal(normalise(applied.policyInfo.Policy.Statement), normalise(expected.Statement));
  });

  test('making gold public is refused, and an anonymous GET of a gold object stays 403', async () => {
    const key = `_policy-test/public-${randomBytes(3).toString('hex')}.txt`;
    await etlKey.putObject(config.buckets.gold, key, Buffer.from('private'));
    try {
      await refused(
        () => etlKey.setBucketPolicy(config.buckets.gold, publicRead(config.buckets.gold)),
        'setting a bucket policy on gold',
      );
      await refused(
        () => etlKey.setBucketPolicy(scratch, publicRead(scratch)),
        'setting a bucket policy on a scratch bucket',
      );
      const anonymous = await fetch(`${endpointOf(config)}/${config.buckets.gold}/${key}`);
      assert.equal(anonymous.status, 403);
    } finally {
      await etlKey.removeObject(config.buckets.gold, key);
    }
  });

  test('creating or deleting a bucket is refused, even a scratch one', async () => {
    const fresh = `${config.buckets.gold}-policy-${randomBytes(4).toString('hex')}`;
    await refused(() => etlKey.makeBucket(fresh, config.minio.region), `creating ${fresh}`);
    assert.equal(await admin.bucketExists(fresh), false);
    await refused(() => etlKey.removeBucket(scratch), `deleting ${scratch}`);
    assert.equal(await admin.bucketExists(scratch), true);
  });

  test('objects can still be put, read, listed and deleted in rawzone, gold and a scratch bucket', async () => {
    for (const bucket of [config.buckets.rawzone, config.buckets.gold, scratch]) await roundTrip(etlKey, bucket);
  });

  test('a bucket outside rawzone*/gold* cannot even be listed', async () => {
    const outside = `outside-${randomBytes(4).toString('hex')}`;
    await admin.makeBucket(outside, config.minio.region);
    try {
      await refused(() => listAllKeys(etlKey, outside, ''), `listing ${outside}`);
    } finally {
      await admin.removeBucket(outside);
    }
  });
});

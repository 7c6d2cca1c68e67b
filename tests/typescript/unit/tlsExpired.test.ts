import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { parseConfig } from '../../../extension/core/config';
import { projectPaths } from '../../../extension/core/paths';
import { s3Client } from '../../../extension/core/s3/client';
import { explainS3Error } from '../../../extension/core/s3/errors';
import { ROOT } from '../helpers/cli';
import { makeExpiredServerCertificate } from '../helpers/tls';

// A TLS endpoint whose certificate expired (Node's own https server presenting it): the TypeScript S3 client
// through a profile refuses it, and the message says the certificate must be renewed on the server.
test('an external S3 whose certificate expired: named, with "renew it on the server"', async () => {
  const root = mkdtempSync(join(tmpdir(), 'etl-expired-'));
  const tls = await makeExpiredServerCertificate(join(root, 'tls'));
  const server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (_, res) => res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const s3 = { mode: 'external', endpoint, caFile: tls.caFile, accessKeyEnv: 'K', secretKeyEnv: 'S' };
    writeFileSync(join(root, 'etl-profiles.json'), JSON.stringify({ profiles: { team: { s3 } } }));
    const values = { ...parse(readFileSync(join(ROOT, '.env.example'))), ETL_PROFILE: 'team' };
    const config = parseConfig(values, projectPaths(root, '/c'), { K: 'key', S: 'secret-value' });
    const failure = await s3Client(config).listBuckets().then(() => undefined, (error: unknown) => error);
    const explained = explainS3Error(failure, endpoint);
    assert.equal(explained.message, `S3 at ${endpoint}: TLS certificate not trusted (CERT_HAS_EXPIRED)`);
    assert.match(explained.hint ?? '', /renew it on the server/);
    assert.ok(!explained.describe().includes('secret-value'));
  } finally {
    server.close();
  }
});

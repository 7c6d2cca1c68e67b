import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { deleteTarget, keysToDelete } from '../../../extension/core/s3/delete';
import { downloadObject, downloadPrefix } from '../../../extension/core/s3/download';
import { classifyS3Error, explainS3Error } from '../../../extension/core/s3/errors';
import { listAllKeys, listPage } from '../../../extension/core/s3/listing';
import type { Client } from 'minio';
import { endpointOf, s3Client } from '../../../extension/core/s3/client';
import { previewObject, PreviewTooLarge } from '../../../extension/core/s3/preview';
import { readRange } from '../../../extension/core/s3/read';
import { adminClient } from '../../../extension/core/stack/buckets';
import { locateRuntimes } from '../../../extension/core/runtimes';
import { ROOT, projectConfig } from '../helpers/cli';

/** Puts small objects (content = key), a few at a time. */
async function putMany(client: Client, bucket: string, keys: string[], parallel = 32): Promise<void> {
  for (let i = 0; i < keys.length; i += parallel) {
    await Promise.all(keys.slice(i, i + parallel).map((key) => client.putObject(bucket, key, Buffer.from(key))));
  }
}

async function emptyBucket(client: Client, bucket: string): Promise<void> {
  const keys = (await listAllKeys(client, bucket, '')).map((e) => e.key);
  for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(bucket, keys.slice(i, i + 1000));
}

const config = projectConfig();
const client = s3Client(config);
/** The ETL's key may not make or remove buckets: the root user does that for the test. */
const admin = adminClient(config);
const bucket = `${config.buckets.rawzone}-s3test-${randomBytes(4).toString('hex')}`;

describe('S3 browsing against the real MinIO', { timeout: 300_000 }, () => {
  before(async () => {
    await admin.makeBucket(bucket, config.minio.region);
    // 1,203 objects directly under big/, plus sub-folders and a file at the root.
    await putMany(client, bucket, Array.from({ length: 1203 }, (_, i) => `big/obj-${String(i).padStart(5, '0')}.txt`));
    await putMany(client, bucket, ['big/sub-a/x.txt', 'big/sub-b/y.txt']);
    await client.putObject(bucket, 'top.json', Buffer.from('{"a":[1,2]}'));
    await client.putObject(bucket, '_etl/store.json', Buffer.from('{"id":"x"}')); // the store marker: not listed
  });

  after(async () => {
    await emptyBucket(client, bucket);
    await admin.removeBucket(bucket);
  });

  test('a large prefix comes page by page: every entry once, folders and objects apart', async () => {
    const keys: string[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await listPage(client, bucket, 'big/', { token, pageSize: 500 });
      keys.push(...page.objects.map((o) => o.key));
      prefixes.push(...page.prefixes);
      token = page.nextToken;
      pages += 1;
      assert.ok(page.objects.length + page.prefixes.length <= 500);
    } while (token);
    assert.equal(pages, 3);
    assert.equal(new Set(keys).size, 1203);
    assert.deepEqual(prefixes, ['big/sub-a/', 'big/sub-b/']);
    const first = await listPage(client, bucket, 'big/', { pageSize: 500 });
    assert.equal(first.objects[0].size, 'big/obj-00000.txt'.length);
    assert.ok(first.objects[0].lastModified instanceof Date);
  });

  test('the prefix filter narrows a folder to names starting with it', async () => {
    const page = await listPage(client, bucket, 'big/', { filter: 'obj-0119' });
    assert.deepEqual(page.objects.map((o) => o.key), Array.from({ length: 10 }, (_, i) => `big/obj-0119${i}.txt`));
    assert.deepEqual((await listPage(client, bucket, 'big/', { filter: 'sub-' })).prefixes, [
      'big/sub-a/',
      'big/sub-b/',
    ]);
    const root = await listPage(client, bucket, '');
    assert.deepEqual([root.prefixes, root.objects.map((o) => o.key)], [['big/'], ['top.json']]);
  });

  test('ranged reads and previews: JSON pretty-printed, too-large refused without force', async () => {
    assert.equal((await readRange(client, bucket, 'big/obj-00042.txt', 4, 5)).toString(), 'obj-0');
    assert.equal(await previewObject(client, bucket, 'top.json'), '{\n  "a": [\n    1,\n    2\n  ]\n}\n');
    await client.putObject(bucket, 'huge.txt', Buffer.alloc(21 * 1024 * 1024, 97));
    await assert.rejects(previewObject(client, bucket, 'huge.txt'), PreviewTooLarge);
    assert.equal((await previewObject(client, bucket, 'huge.txt', { force: true })).length, 21 * 1024 * 1024);
  });

  test('Parquet preview: the sample file schema and first rows, read in JavaScript', async () => {
    await client.fPutObject(
      bucket,
      'trips/2024-01.parquet',
      join(ROOT, 'Data_extracted', 'yellow_tripdata_2024-01.parquet'),
    );
    const text = await previewObject(client, bucket, 'trips/2024-01.parquet');
    assert.match(text, /^# Parquet: 20000 rows/);
    assert.match(text, /tpep_pickup_datetime: INT64 .*TIMESTAMP/);
    const rows = text.split('## First 50 rows\n')[1].trim().split('\n');
    assert.equal(rows.length, 50);
    assert.match(JSON.parse(rows[0]).tpep_pickup_datetime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('Parquet nanosecond timestamps keep all nine digits', async () => {
    const python = locateRuntimes(config.paths.root, config.paths.cache).python;
    const out = join(mkdtempSync(join(tmpdir(), 'ns-')), 'ns.parquet');
    const script = 'import pyarrow as pa, pyarrow.parquet as pq, sys\n'
      + 't = pa.table({"ts": pa.array([1704067200123456789], type=pa.timestamp("ns")), "n": [1]})\n'
      + 'pq.write_table(t, sys.argv[1])';
    await execa(python, ['-c', script, out]);
    await client.fPutObject(bucket, 'ns.parquet', out);
    const text = await previewObject(client, bucket, 'ns.parquet');
    assert.match(text, /"ts":"2024-01-01T00:00:00\.123456789Z"/);
  });

  test('download of an object and of a whole prefix keeps the layout below the prefix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dl-'));
    const one = await downloadObject(client, bucket, 'big/sub-a/x.txt', dir, 'big/');
    assert.equal(one, join(dir, 'sub-a', 'x.txt'));
    const files = await downloadPrefix(client, bucket, 'big/sub-', join(dir, 'p'));
    assert.deepEqual(files.sort(), [join(dir, 'p', 'sub-a', 'x.txt'), join(dir, 'p', 'sub-b', 'y.txt')]);
    assert.equal(readFileSync(files.sort()[1], 'utf8'), 'big/sub-b/y.txt');
    assert.ok(!existsSync(join(dir, 'p', 'big')));
  });

  test('delete of a prefix removes every object below it, in batches of 1000, and nothing beside it', async () => {
    const numbered = Array.from({ length: 1005 }, (_, i) => `gone/a-${String(i).padStart(5, '0')}.txt`);
    const keys = [...numbered, 'gone/deep/er/z.txt'];
    await putMany(client, bucket, [...keys, 'gone-sibling.txt', 'keep/gone/x.txt']);
    assert.deepEqual((await keysToDelete(client, { bucket, prefix: 'gone/' })).sort(), keys.sort());
    assert.equal(await deleteTarget(client, { bucket, prefix: 'gone/' }), keys.length);
    assert.deepEqual(await listAllKeys(client, bucket, 'gone/'), []);
    const left = (await listAllKeys(client, bucket, '')).map((e) => e.key);
    assert.ok(left.includes('gone-sibling.txt') && left.includes('keep/gone/x.txt') && left.includes('top.json'));
    assert.equal(await deleteTarget(client, { bucket, key: 'gone-sibling.txt' }), 1);
    assert.ok(!(await listAllKeys(client, bucket, 'gone-sibling')).length);
  });

  test('wrong credentials give a clear message, not a stack trace', async () => {
    const wrong = s3Client(config, { accessKey: config.minio.rootUser, secretKey: 'definitely-wrong-secret' });
    const error = await listPage(wrong, bucket, '').then(
      () => undefined,
      (e: unknown) => explainS3Error(e, endpointOf(config)),
    );
    assert.ok(error, 'listing with a wrong secret must fail');
    assert.equal(classifyS3Error(error), 'credentials');
    assert.match(error.describe(), /refused the credentials[\s\S]*Set Credentials/);
  });

  test('MinIO unreachable is reported with the endpoint', async () => {
    const down = { ...config, minio: { ...config.minio, apiPort: 1 } };
    const error = await listPage(s3Client(down), bucket, '').then(
      () => undefined,
      (e: unknown) => explainS3Error(e, endpointOf(down)),
    );
    assert.ok(error);
    assert.equal(classifyS3Error(error), 'unreachable');
    assert.match(error.message, /cannot reach MinIO at http:\/\/127\.0\.0\.1:1 /);
  });
});

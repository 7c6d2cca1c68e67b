import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { S3Error } from 'minio';
import { EtlError } from '../../../extension/core/errors';
import { safeLocalPath } from '../../../extension/core/s3/download';
import { classifyS3Error, explainS3Error, S3ProblemError } from '../../../extension/core/s3/errors';
import { baseName, parseS3aPath, s3aPath } from '../../../extension/core/s3/paths';
import { previewKind } from '../../../extension/core/s3/preview';

describe('S3 paths and safe download targets', () => {
  test('a normal key lands under the target folder, keeping its layout below the prefix', () => {
    assert.equal(
      safeLocalPath('/tmp/out', 'yellow/year=2024/a.parquet', 'yellow/'),
      join('/tmp/out', 'year=2024', 'a.parquet'),
    );
  });

  for (const key of ['../evil', 'a/../../evil', '/etc/passwd', 'a/./b', 'a\\..\\b', 'nul\0byte', '..', '']) {
    test(`refuses the key ${JSON.stringify(key)}`, () => {
      assert.throws(() => safeLocalPath('/tmp/out', key), /refusing to download object key/);
    });
  }

  test('s3a paths round-trip and base names keep the folder slash', () => {
    assert.deepEqual(parseS3aPath('s3a://rawzone/a/b.csv'), { bucket: 'rawzone', key: 'a/b.csv' });
    assert.equal(s3aPath({ bucket: 'gold', key: 'x/y' }), 's3a://gold/x/y');
    assert.equal(baseName('a/b/'), 'b/');
    assert.equal(baseName('a/b.csv'), 'b.csv');
    assert.throws(() => parseS3aPath('http://x/y'), /not an s3a/);
  });

  test('preview kind follows the extension', () => {
    assert.deepEqual(['a.PARQUET', 'm.json', 'z.csv', 'r.txt'].map(previewKind), ['parquet', 'json', 'csv', 'text']);
  });
});

describe('S3 error kinds come from the error class and codes, not the message text', () => {
  const endpoint = '127.0.0.1:9000';
  test('an S3Error with a credential code is a credentials problem', () => {
    const error = Object.assign(new S3Error('whatever the server said'), { code: 'InvalidAccessKeyId' });
    const explained = explainS3Error(error, endpoint);
    assert.ok(explained instanceof S3ProblemError);
    assert.equal(classifyS3Error(explained), 'credentials');
    assert.match(explained.message, /refused the credentials \(InvalidAccessKeyId\)/);
  });

  test('a socket errno, on the error, its cause or an AggregateError, is unreachable', () => {
    const direct = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    const caused = new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }) });
    const aggregate = new AggregateError([Object.assign(new Error('y'), { code: 'ECONNREFUSED' })], '');
    for (const error of [direct, caused, aggregate]) {
      assert.equal(classifyS3Error(explainS3Error(error, endpoint)), 'unreachable');
    }
  });

  test('a message that merely reads like one is not classified by its words', () => {
    const lookalike = new Error('cannot reach MinIO: refused the credentials');
    assert.equal(classifyS3Error(explainS3Error(lookalike, endpoint)), 'other');
    assert.equal(classifyS3Error(new EtlError('cannot reach MinIO at x')), 'other');
  });
});

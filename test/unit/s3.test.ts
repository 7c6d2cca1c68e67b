import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { safeLocalPath } from '../../extension/core/s3/download';
import { baseName, parseS3aPath, s3aPath } from '../../extension/core/s3/paths';
import { previewKind } from '../../extension/core/s3/preview';

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

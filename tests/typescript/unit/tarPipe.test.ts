import assert from 'node:assert/strict';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tarDirectoryInto } from '../../../extension/core/stack/compose/tarPipe';

// A Debian root file system is about 200 MB.
test('tarDirectoryInto streams a directory of more than 100 MB whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'etl-tar-'));
  const size = 130 * 1024 * 1024;
  writeFileSync(join(dir, 'big'), '');
  truncateSync(join(dir, 'big'), size);
  const counted = await tarDirectoryInto(dir, 'wc', ['-c']);
  assert.equal(counted.ok, true, counted.output);
  assert.ok(Number(counted.output.trim()) > size, `only ${counted.output.trim()} bytes reached the consumer`);
});

test('tarDirectoryInto reports a consumer that fails, and a directory tar cannot read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'etl-tar-'));
  const refused = await tarDirectoryInto(dir, 'sh', ['-c', 'cat >/dev/null; echo refused >&2; exit 3']);
  assert.equal(refused.ok, false);
  assert.match(refused.output, /refused/);
  const missing = await tarDirectoryInto(join(dir, 'nope'), 'sh', ['-c', 'cat >/dev/null']);
  assert.equal(missing.ok, false);
  assert.match(missing.output, /^tar: /);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EtlError } from '../../../extension/core/errors';
import { loadDuckDb } from '../../../extension/core/gold/duckdb';

// What Node says when a VSIX lacks this platform's binding (first line), then its require stack.
const missingBinding = (target: string) => () =>
  Promise.reject(new Error(`Cannot find module '@duckdb/node-bindings-${target}/duckdb.node'\nRequire stack:\n- x`));

test('a platform with a VSIX but no binding loaded: names it and the VSIX to install', async () => {
  await assert.rejects(loadDuckDb({ os: 'darwin', arch: 'arm64' }, missingBinding('darwin-arm64')), (error) => {
    assert.ok(error instanceof EtlError);
    assert.match(error.message, /DuckDB .* cannot load on darwin-arm64: Cannot find module/);
    assert.doesNotMatch(error.message, /Require stack/);
    assert.match(error.hint ?? '', /etl-spark-darwin-arm64\.vsix/);
    return true;
  });
});

test('a platform no VSIX is built for: says which are, and that the other views work', async () => {
  await assert.rejects(loadDuckDb({ os: 'freebsd', arch: 'x64' }, missingBinding('freebsd-x64')), (error) => {
    assert.ok(error instanceof EtlError);
    assert.match(error.message, /cannot load on freebsd-x64/);
    assert.match(error.hint ?? '', /built for linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64/);
    assert.match(error.hint ?? '', /every other view works/);
    return true;
  });
});

test("this machine's DuckDB loads through the same path", async () => {
  const duckdb = await loadDuckDb();
  const connection = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
  assert.equal((await connection.runAndReadAll('select 6 * 7')).getRows()[0][0], 42);
});

// Hostile and broken input (docs/reliability.md): each case gets a clear one-line error or is handled; never a stack
// trace, never a changed store. The CLI cases run the built `etl` with MinIO at port 1: a command that reached S3
// would fail differently (exit 1, "unreachable"), so exit 2 with its message proves it stopped before any S3 call.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EtlError, UsageError } from '../../../extension/core/errors';
import { parseCheckpoint } from '../../../extension/core/gold/deltaLog';
import { parseCommitText, replayLog, type TableLog } from '../../../extension/core/gold/logReplay';
import { schemaChanges, UNREADABLE_SCHEMA } from '../../../extension/core/gold/schemaDiff';
import { splitObjectUrl } from '../../../extension/core/lineage/sourceRow';
import { checkRunId } from '../../../extension/core/runId';
import { unsafeKeyReason } from '../../../extension/core/s3/paths';
import { etl } from '../helpers/cli';

/** A control character other than a line end: none may reach a terminal as it is. */
const hasControl = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 && c !== '\n');

const HOSTILE_IDS = ['../x', 'a/../../b', "it's", '"quoted"', '<script>alert(1)</script>', 'a b', 'run\u001b[31m',
  'run\nnext', 'nul\u0000', '', '-dash-first', '.hidden', '..'];

describe('run ids given as input', () => {
  for (const id of HOSTILE_IDS) {
    test(`${JSON.stringify(id)} is refused, shown escaped`, () => {
      assert.throws(() => checkRunId(id, '--run'), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(error.message, `--run ${JSON.stringify(id)} is not a run id`);
        assert.ok(!hasControl(error.message) && !error.message.includes('\n'));
        return true;
      });
    });
  }

  test('the ids the tools make, Airflow\'s included, are accepted', () => {
    for (const id of ['extract-20260101T000000Z-a1b2c3', 'transform-20260101T000000Z-a1b2c3', 'my.run_2',
      'manual__2026-12-04T08:00:00+00:00', 'scheduled__2024-01-01T00:00:00+00:00', 'x'.repeat(200)])
      assert.equal(checkRunId(id, '--run'), id);
    assert.throws(() => checkRunId('x'.repeat(201), '--run'), UsageError);
  });
});

describe('object keys given as input', () => {
  const cases: [string, RegExp][] = [
    ['yellow_tripdata/../gold/x.parquet', /a \. or \.\. segment/],
    ['./x.parquet', /a \. or \.\. segment/],
    ['a/..', /a \. or \.\. segment/],
    ['/etc/passwd', /starts with \/ or holds a backslash/],
    ['a\\..\\b', /starts with \/ or holds a backslash/],
    ['a\u0007b.parquet', /control character/],
    ['a\u001b[2Jb', /control character/],
    ['a\u007fb', /control character/],
  ];
  for (const [key, reason] of cases) {
    test(`${JSON.stringify(key)} is not sent to S3`, () => {
      assert.match(unsafeKeyReason(key) ?? '', reason);
      assert.throws(() => splitObjectUrl(`s3a://rawzone/${key}`), (error: unknown) =>
        error instanceof UsageError && reason.test(error.message) && !hasControl(error.message));
    });
  }

  test('keys as the extractor writes them, markup and quotes in a name included, pass as they are', () => {
    for (const key of ['yellow_tripdata/year=2024/month=01/yellow_tripdata_2024-01.parquet', 'a..b/c', '<b>"x\'.csv'])
      assert.equal(unsafeKeyReason(key), undefined);
    assert.deepEqual(splitObjectUrl('s3a://rawzone/a..b/c'), { bucket: 'rawzone', key: 'a..b/c' });
  });
});

describe('a Delta log that does not parse', () => {
  const where = 's3://gold/fact_trips/_delta_log/00000000000000000003.json';

  test('a commit line that is not JSON names the object and the line', () => {
    const text = '{"commitInfo":{"timestamp":1}}\n{"add":{"path":"a.parquet"\n';
    assert.throws(() => parseCommitText(text, where), (error: unknown) =>
      error instanceof EtlError &&
        error.message.startsWith(`the Delta log object ${where} is damaged: line 2 is not JSON`) &&
        /put that object back from a copy/.test(error.hint ?? ''));
  });

  test('a line that is JSON but not an action object is damaged too; blank lines are skipped', () => {
    for (const line of ['null', '[1]', '42', '"add"'])
      assert.throws(() => parseCommitText(`\n${line}\n`, where), /line 2 is not a Delta action/);
    assert.deepEqual(parseCommitText('\n{"remove":{"path":"a"}}\r\n\n', where), [{ remove: { path: 'a' } }]);
  });

  const log = (schemaString: string, path = 'a.parquet'): TableLog => ({
    bucket: 'gold', root: 'fact_trips/',
    commits: [{ version: 0, actions: [
      { metaData: { schemaString, partitionColumns: [] } },
      { add: { path, size: 1 } },
    ] }],
  });

  test('a metaData schema that is not a Spark schema is named, not a SyntaxError', () => {
    for (const schema of ['{not json', '{"fields": 3}', '{"fields": [{"type": "long"}]}'])
      assert.throws(() => replayLog(log(schema)),
        /the Delta log object of s3:\/\/gold\/fact_trips\/ is damaged: its metaData schemaString is not a Spark schema/);
  });

  test('a file path that is not URL-encoded text is named', () => {
    const schema = '{"fields":[{"name":"x","type":"long","nullable":true}]}';
    assert.throws(() => replayLog(log(schema, '%E0%A4%A.parquet')), /a file path "%E0%A4%A\.parquet" is not URL-encoded/);
    assert.equal(replayLog(log(schema, 'part%3D1/a.parquet')).files[0].key, 'fact_trips/part=1/a.parquet');
  });

  test('a damaged schema in the history is said on its line, the history still listed', () => {
    const good = { schemaString: '{"fields":[]}', partitionColumns: [] };
    assert.deepEqual(schemaChanges(good, { schemaString: '{', partitionColumns: [] }), [UNREADABLE_SCHEMA]);
  });

  test('a checkpoint that is not Parquet names its object', async () => {
    const key = 's3://gold/fact_trips/_delta_log/00000000000000000010.checkpoint.parquet';
    await assert.rejects(parseCheckpoint(Buffer.from('PAR1 cut short'), key), (error: unknown) =>
      error instanceof EtlError &&
        error.message.startsWith(`the Delta log object ${key} is damaged: it is not a checkpoint`));
  });
});

/** What every refusal must look like: exit 2, the message, no stack trace, no raw control character. */
async function refusedAtOnce(args: string[], message: RegExp, env: Record<string, string> = {}) {
  const result = await etl(args, { MINIO_API_PORT: '1', ETL_STACK_MODE: 'native', ...env }, 60_000);
  const all = result.all ?? '';
  assert.equal(result.exitCode, 2, all);
  assert.match(all, message);
  assert.doesNotMatch(all, /\n\s+at |Traceback|SyntaxError/, all);
  assert.ok(!hasControl(all), 'a control character reached the terminal');
}

describe('the CLI refuses hostile input before any S3 call or Spark start (exit 2)', () => {
  const cases: [string[], RegExp][] = [
    [['query', 'SELECT 1', '--as-of-run', '../x'], /^error: --as-of-run "\.\.\/x" is not a run id\n {2}→ a run id is 1-200/],
    [['query', 'SELECT 1', '--as-of-run', '<img src=x onerror=alert(1)>'], /--as-of-run "<img src=x onerror=alert\(1\)>" is not/],
    [['restore', '--before-run', "a'; DROP TABLE x; --"], /--before-run "a'; DROP TABLE x; --" is not a run id/],
    [['restore', '--before-run', 'ok-run', '--run-id', 'x\u001b[31my'], /--run-id "x\\u001b\[31my" is not a run id/],
    [['transform', '--run', '../../etc/passwd'], /--run "\.\.\/\.\.\/etc\/passwd" is not a run id/],
    [['transform', '--run-id', 'a/../b'], /--run-id "a\/\.\.\/b" is not a run id/],
    [['preview', '--run', '"quoted"'], /--run "\\"quoted\\"" is not a run id/],
    [['pipeline', '--run-id', 'x y'], /--run-id "x y" is not a run id/],
    [['source-row', 's3a://rawzone/yellow_tripdata/../../gold/x.parquet', '0'], /is not a raw object's path: it has a \. or \.\. segment/],
    [['source-row', 's3a://rawzone/a\u0007.parquet', '0'], /"s3a:\/\/rawzone\/a\\u0007\.parquet" is not a raw object's path: it holds a control/],
  ];
  for (const [args, message] of cases) {
    test(`etl ${JSON.stringify(args).slice(1, -1)}`, () => refusedAtOnce(args, message));
  }

  test('etl extract: 10,000 months are refused naming the limit, nothing recorded', async () => {
    const backup = mkdtempSync(join(tmpdir(), 'etl-hostile-'));
    const started = Date.now();
    await refusedAtOnce(['extract', '--months', '2009-01..2842-04', '--sample'],
      /usage error: months '2009-01\.\.2842-04': 10000 months in one range, more than the 240 one run takes; split/,
      { ETL_BACKUP_DIR: backup });
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(readdirSync(backup), []);
  });

  test('etl extract: a run id with ../ is refused, nothing recorded', async () => {
    const backup = mkdtempSync(join(tmpdir(), 'etl-hostile-'));
    await refusedAtOnce(['extract', '--months', '2024-01', '--sample', '--run-id', '../x'],
      /usage error: run id '\.\.\/x' must be 1-100 letters, digits/, { ETL_BACKUP_DIR: backup });
    assert.deepEqual(readdirSync(backup), []);
  });
});

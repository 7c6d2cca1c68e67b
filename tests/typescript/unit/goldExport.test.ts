import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GoldEngine } from '../../../extension/core/gold/engine';
import {
  copySql,
  exportFormatOf,
  exportSelect,
  exportStem,
  partialPathFor,
  withExtension,
} from '../../../extension/core/gold/export';
import { gridSelect } from '../../../extension/core/gold/sql';
import { sqlFileName, sqlFilePathProblem, sqlFileText } from '../../../extension/core/gold/sqlFile';
import { splitStatements, statementAt } from '../../../extension/core/gold/statements';

describe('.sql files: statements', () => {
  test('split at top-level semicolons; each starts at its code, not at a comment before it', () => {
    const text = '-- monthly revenue\nSELECT 1 AS a;\n\n/* two */ SELECT 2 AS b\n';
    const found = splitStatements(text);
    assert.deepEqual(
      found.map((s) => s.text),
      ['SELECT 1 AS a', 'SELECT 2 AS b'],
    );
    assert.equal(text.slice(found[0].start, found[0].end), 'SELECT 1 AS a');
    assert.equal(found[1].start, text.indexOf('SELECT 2'));
  });

  test('a semicolon in a string, a quoted name, a comment or a $$ string separates nothing', () => {
    const text =
      "SELECT 'a;b' AS \"x;y\", 'it''s;' -- c;d\n, 1 /* e;f */ FROM t; SELECT $$g;h$$, $q$i;j$q$;";
    assert.deepEqual(
      splitStatements(text).map((s) => s.text),
      ["SELECT 'a;b' AS \"x;y\", 'it''s;' -- c;d\n, 1 /* e;f */ FROM t", 'SELECT $$g;h$$, $q$i;j$q$'],
    );
  });

  test('only comments, blanks and stray semicolons: no statement; an unclosed string runs to the end', () => {
    assert.deepEqual(splitStatements('-- nothing\n;; /* here */\n'), []);
    assert.deepEqual(
      splitStatements("SELECT 'open; string").map((s) => s.text),
      ["SELECT 'open; string"],
    );
  });

  test('the statement at a cursor: the one it is in, else the one before, else the first', () => {
    const text = 'SELECT 1;\n\nSELECT 2;\n';
    const found = splitStatements(text);
    assert.equal(statementAt(found, 3)?.text, 'SELECT 1');
    assert.equal(statementAt(found, text.indexOf('SELECT 2') + 2)?.text, 'SELECT 2');
    assert.equal(statementAt(found, text.length)?.text, 'SELECT 2');
    assert.equal(statementAt(splitStatements('  SELECT 3'), 0)?.text, 'SELECT 3');
    assert.equal(statementAt([], 0), undefined);
  });
});

describe('grid export: SQL, paths and names', () => {
  test('COPY of the grid select: header for CSV, the path a parameter (never SQL text)', () => {
    const select = gridSelect('"etl_result_1"', { column: 'n', descending: true }, 'reject_rule');
    assert.equal(
      select,
      'SELECT "reject_rule", * EXCLUDE ("reject_rule") FROM "etl_result_1" ORDER BY "n" DESC NULLS LAST',
    );
    assert.equal(copySql('SELECT 1', 'csv'), 'COPY (SELECT 1) TO $1 (FORMAT csv, HEADER)');
    assert.equal(copySql('SELECT 1', 'parquet'), 'COPY (SELECT 1) TO $1 (FORMAT parquet)');
  });

  test('format from the extension; an extension added only when the name has none', () => {
    assert.equal(exportFormatOf('/a/b.CSV'), 'csv');
    assert.equal(exportFormatOf('b.parquet'), 'parquet');
    assert.equal(exportFormatOf('b.txt'), undefined);
    assert.equal(withExtension('/a/trips', 'parquet'), '/a/trips.parquet');
    assert.equal(withExtension('/a/trips.txt', 'csv'), '/a/trips.txt');
  });

  test('the partial file is hidden, beside the target, unique', () => {
    assert.equal(partialPathFor('/data/out/x.csv', 'abcd'), '/data/out/.x.csv.abcd.part');
    assert.notEqual(partialPathFor('/d/x.csv'), partialPathFor('/d/x.csv'));
  });

  test('file names after the table, its version, or the tables a query reads', () => {
    assert.equal(exportStem({ table: 'fact_trips', title: 'Gold: fact_trips' }), 'fact_trips');
    assert.equal(exportStem({ table: 'fact_trips', title: 'Gold: fact_trips@v3' }), 'fact_trips-v3');
    assert.equal(
      exportStem({ title: 'q', sql: 'SELECT * FROM fact_trips f JOIN "dim_zone" z ON 1=1 JOIN fact_trips g' }),
      'query-fact_trips-dim_zone',
    );
    assert.equal(exportStem({ title: 'q', sql: 'SELECT 1' }), 'query-result');
    assert.equal(exportStem({ title: 'q', sql: 'select * from ../../etc' }), 'query-result');
    assert.equal(exportStem({ title: 'fact_trips · added (2024-01)' }), 'fact_trips-added-2024-01');
    assert.equal(exportStem({ title: '../..' }), 'query-result');
  });

  test('a path with quotes, spaces and a semicolon is written as named; a failed export leaves no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gold-export-'));
    const engine = await GoldEngine.open();
    try {
      const odd = join(dir, "it's; DROP TABLE x -- .csv");
      const done = await exportSelect(engine, "SELECT 1 AS n, 'a,b' AS s UNION ALL SELECT 2, NULL", odd, 'csv');
      assert.equal(done.rows, 2);
      assert.equal(readFileSync(odd, 'utf8'), 'n,s\n1,"a,b"\n2,\n');
      // An existing target stays as it was when the query fails; no partial file is left beside it.
      writeFileSync(join(dir, 'keep.csv'), 'old');
      await assert.rejects(exportSelect(engine, 'SELECT * FROM no_such_table', join(dir, 'keep.csv'), 'csv'), {
        message: /^the export to .*keep\.csv failed: .*no_such_table/s,
      });
      assert.equal(readFileSync(join(dir, 'keep.csv'), 'utf8'), 'old');
      await assert.rejects(exportSelect(engine, 'SELECT 1', join(dir, 'no', 'such', 'dir.csv'), 'csv'));
      assert.deepEqual(readdirSync(dir).sort(), ["it's; DROP TABLE x -- .csv", 'keep.csv']);
      assert.ok(!existsSync(join(dir, 'no')));
    } finally {
      engine.close();
    }
  });
});

describe('Save as SQL File', () => {
  test('a free name under queries/, after the tables the query reads', () => {
    const taken = new Set(['queries/query-fact_trips.sql', 'queries/query-fact_trips-2.sql']);
    assert.equal(sqlFileName('SELECT count(*) FROM fact_trips', (n) => taken.has(n)), 'queries/query-fact_trips-3.sql');
    assert.equal(sqlFileName('SELECT 1', () => false), 'queries/query-result.sql');
  });

  test('the path typed must be a .sql file inside the workspace', () => {
    assert.equal(sqlFilePathProblem('queries/a.sql'), undefined);
    assert.match(sqlFilePathProblem('') ?? '', /type a file name/);
    assert.match(sqlFilePathProblem('/tmp/a.sql') ?? '', /inside the workspace/);
    assert.match(sqlFilePathProblem('queries/../../a.sql') ?? '', /no "\.\."/);
    assert.match(sqlFilePathProblem('queries/a.txt') ?? '', /ends with \.sql/);
  });

  test('the file: a comment, the query once with one semicolon; an as-of query says Run on Gold reads now', () => {
    const text = sqlFileText('SELECT 1 ;; \n');
    assert.match(text, /^-- Saved from Query Gold… — its Run on Gold lens/);
    assert.ok(text.endsWith('\nSELECT 1;\n'));
    assert.match(sqlFileText('SELECT 1', { run: 'transform-x' }), /as of run transform-x; Run on Gold reads the current/);
    assert.match(sqlFileText('SELECT 1', { timestamp: Date.UTC(2026, 0, 2) }), /as of 2026-01-02T00:00:00\.000Z/);
    assert.deepEqual(splitStatements(text).map((s) => s.text), ['SELECT 1']);
  });
});

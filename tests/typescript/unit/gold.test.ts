import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filesHolding } from '../../../extension/core/gold/catalog';
import type { DeltaFile, DeltaTableState } from '../../../extension/core/gold/deltaLog';
import { GoldEngine } from '../../../extension/core/gold/engine';
import { partitionsOf, tableRows } from '../../../extension/core/gold/partitions';
import { describePredicate } from '../../../extension/core/gold/predicate';
import {
  duckTypeOf,
  mentionedTables,
  pageSql,
  quoteIdent,
  quoteLiteral,
  statementBody,
  tableSelect,
} from '../../../extension/core/gold/sql';
import { kindOf, sqlNameOf } from '../../../extension/core/gold/tables';

const file = (key: string, rows: number | undefined, month: string | null): DeltaFile => ({
  key,
  size: 10,
  rows,
  partitionValues: { m: month },
});

describe('gold core, pure parts', () => {
  test('SQL quoting and Delta → DuckDB types', () => {
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteLiteral("it's"), "'it''s'");
    assert.equal(duckTypeOf('timestamp_ntz'), 'TIMESTAMP');
    assert.equal(duckTypeOf('decimal(10, 2)'), 'DECIMAL(10,2)');
    assert.equal(duckTypeOf('long'), 'BIGINT');
  });

  test('paging SQL sorts in DuckDB with nulls last, a first column moved to the front', () => {
    assert.equal(
      pageSql('"v"', 200, 100, { column: 'x', descending: true }, 'reject_rule'),
      'SELECT "reject_rule", * EXCLUDE ("reject_rule") FROM "v" ORDER BY "x" DESC NULLS LAST LIMIT 100 OFFSET 200',
    );
    assert.equal(statementBody('  SELECT 1 ;; \n'), 'SELECT 1');
    assert.deepEqual(mentionedTables('select * from fact_trips join dim_zone_x on 1', ['fact_trips', 'dim_zone']), [
      'fact_trips',
    ]);
  });

  test('table names and kinds', () => {
    assert.equal(sqlNameOf('quarantine/rejected_trips/'), 'quarantine_rejected_trips');
    assert.deepEqual(['fact_trips/', 'dim_zone/', 'mart_x/', 'quarantine/r/', 'misc/'].map(kindOf), [
      'fact',
      'dimension',
      'mart',
      'quarantine',
      'other',
    ]);
  });

  test('partitions in natural order with rows and bytes; unknown rows stay unknown', () => {
    const table = {
      partitionColumns: ['m'],
      files: [file('a', 5, '10'), file('b', 1, '2'), file('c', 2, '2')],
    } as DeltaTableState;
    assert.deepEqual(
      partitionsOf(table).map((p) => [p.label, p.rows, p.bytes]),
      [
        ['m=2', 3, 20],
        ['m=10', 5, 10],
      ],
    );
    assert.equal(tableRows(table), 8);
    assert.equal(tableRows({ ...table, files: [file('a', undefined, '1')] }), undefined);
  });

  test('the head of a preview: the first files holding the rows asked for', () => {
    const files = [file('a', 60, '1'), file('b', 60, '1'), file('c', 60, '2')];
    assert.deepEqual(
      filesHolding(files, 100).map((f) => f.key),
      ['a', 'b'],
    );
    assert.deepEqual(
      filesHolding(files, 1000).map((f) => f.key),
      ['a', 'b', 'c'],
    );
    assert.equal(filesHolding([file('x', undefined, '1'), ...files], 10).length, 4);
  });

  test('DuckDB: an empty table is a typed view; exact text for ns, bigint, null', async () => {
    const engine = await GoldEngine.open();
    try {
      const select = tableSelect([{ name: 'm', type: 'integer', nullable: true, partition: true }], [], []);
      await engine.createView('empty', select);
      assert.equal(await engine.count('"empty"'), 0);
      const page = await engine.page(
        "(SELECT 9007199254740993::BIGINT AS big, " +
          "TIMESTAMP_NS '2024-01-01 00:00:00.123456789' AS ts, NULL::VARCHAR AS n)",
        { offset: 0, limit: 10 },
      );
      assert.deepEqual(page.rows, [['9007199254740993', '2024-01-01 00:00:00.123456789', null]]);
      assert.deepEqual(
        page.columns.map((c) => c.numeric),
        [true, false, false],
      );
    } finally {
      engine.close();
    }
  });
});

describe('a commit\'s replaceWhere, as the history shows it', () => {
  test('the months the transform replaced, in order', () => {
    assert.equal(describePredicate('pickup_year = 2024 AND pickup_month = 2'), 'month 2024-02');
    assert.equal(
      describePredicate('(pickup_year = 2024 AND pickup_month = 2) OR (pickup_year = 2024 AND pickup_month = 1)'),
      'months 2024-01, 2024-02',
    );
    const year = Array.from({ length: 12 }, (_, i) => `(source_year = 2025 AND source_month = ${12 - i})`);
    assert.equal(describePredicate(year.join(' OR ')), 'months 2025-01..2025-12 (12)');
  });

  test('any other predicate is shown as it is', () => {
    assert.equal(describePredicate('pickup_month = 2'), 'pickup_month = 2');
    assert.equal(describePredicate('(pickup_year = 2024 AND pickup_month = 1) OR fare > 3'),
      '(pickup_year = 2024 AND pickup_month = 1) OR fare > 3');
  });
});

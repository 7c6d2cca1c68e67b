import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UsageError } from '../../../extension/core/errors';
import { latestComplete, type RunEvent } from '../../../extension/core/lineage/events';
import { formatColumnTrace, formatTableTrace } from '../../../extension/core/lineage/format';
import { columnGraph, tableGraph } from '../../../extension/core/lineage/graph';
import { layoutGraph } from '../../../extension/core/lineage/layout';
import { lineageSvg } from '../../../extension/core/lineage/svg';
import { rowSourceOf, sourceRowText, splitObjectUrl } from '../../../extension/core/lineage/sourceRow';
import { traceColumn, traceTable } from '../../../extension/core/lineage/trace';

const RAW = 's3://rawzone';
const FILES = ['yellow_tripdata/year=2024/month=01/a.parquet', 'yellow_tripdata/year=2024/month=02/b.parquet'];
const raw = (field: string) => FILES.map((name) => ({ namespace: RAW, name, field }));
const gold = (table: string, field: string) => ({ namespace: 's3://gold', name: table, field });

/** A COMPLETE event as src/etl/lineage/events.py writes it: fact_trips from raw, a mart from fact_trips. */
function event(runId: string, type = 'COMPLETE'): RunEvent {
  return {
    eventType: type,
    eventTime: '2026-12-04T10:00:00+00:00',
    run: { runId: 'uuid', facets: { tags: { tags: [{ key: 'etl.run_id', value: runId }] } } },
    job: { namespace: 'etl-spark', name: 'clean_and_transform' },
    outputs: [
      {
        namespace: 's3://gold',
        name: 'fact_trips',
        facets: {
          schema: { fields: [{ name: 'speed_mph', type: 'double' }, { name: 'trip_distance_mi', type: 'double' }] },
          columnLineage: {
            fields: {
              speed_mph: { inputFields: [...raw('trip_distance'), ...raw('tpep_pickup_datetime')] },
              trip_distance_mi: { inputFields: raw('trip_distance'), transformationDescription: 'a copy' },
            },
          },
          etlColumnCode: { columns: { speed_mph: { file: 'src/etl/transform/columns.py', line: 78, reads: [] } } },
        },
      },
      {
        namespace: 's3://gold',
        name: 'mart_hourly_demand',
        facets: {
          schema: { fields: [{ name: 'avg_speed_mph', type: 'double' }] },
          columnLineage: { fields: { avg_speed_mph: { inputFields: [gold('fact_trips', 'speed_mph')] } } },
        },
      },
      { namespace: 's3://gold', name: 'dim_date', facets: { schema: { fields: [{ name: 'date_key' }] } } },
    ],
  };
}

describe('lineage traces (core/lineage)', () => {
  test('a mart column traces through fact_trips to the raw columns of every trip file', () => {
    const trace = traceColumn(event('t1'), 'mart_hourly_demand', 'avg_speed_mph');
    assert.deepEqual(
      trace.upstream.map((u) => `${u.table}.${u.column}`),
      ['fact_trips.speed_mph'],
    );
    const fact = trace.upstream[0];
    assert.deepEqual(
      fact.raw.map((r) => [r.field, r.datasets.map((d) => d.name)]),
      [
        ['trip_distance', FILES],
        ['tpep_pickup_datetime', FILES],
      ],
    );
    assert.equal(fact.code?.line, 78);
    assert.deepEqual(fact.downstream, [{ table: 'mart_hourly_demand', column: 'avg_speed_mph' }]);
    const text = formatColumnTrace(trace, event('t1'));
    assert.match(text, /lineage of transform run t1/);
    assert.match(text, /reads fact_trips\.speed_mph/);
    assert.match(text, /defined at src\/etl\/transform\/columns\.py:78/);
    assert.doesNotMatch(text, /run by/);
    const byAirflow = event('t1');
    byAirflow.run.facets = { ...byAirflow.run.facets, parent: {
      job: { namespace: 'default', name: 'etl_pipeline.clean_and_transform' }, run: { runId: 'task-uuid' } } };
    assert.match(formatColumnTrace(trace, byAirflow), /\(completed [^)]*, run by etl_pipeline\.clean_and_transform task-uuid\)/);
  });

  test('a table: the raw objects it reads, the gold tables it reads and that read it', () => {
    assert.deepEqual(traceTable(event('t1'), 'fact_trips').downstreamTables, ['mart_hourly_demand']);
    const mart = traceTable(event('t1'), 'mart_hourly_demand');
    assert.deepEqual(mart.upstreamTables, ['fact_trips']);
    assert.deepEqual(
      mart.rawInputs.map((d) => d.name),
      FILES,
    );
    assert.match(formatTableTrace(traceTable(event('t1'), 'dim_date'), event('t1')), /reads no raw object/);
  });

  test('an unknown table or column is a usage error that lists what there is', () => {
    assert.throws(
      () => traceColumn(event('t1'), 'fact_trips', 'nope'),
      (e: unknown) => e instanceof UsageError && /speed_mph, trip_distance_mi/.test(String(e.hint)),
    );
    assert.throws(
      () => traceTable(event('t1'), 'fact'),
      (e: unknown) => e instanceof UsageError && /fact_trips, mart_hourly_demand, dim_date/.test(String(e.hint)),
    );
  });
});

describe('lineage event files (core/lineage/events)', () => {
  test('the newest COMPLETE wins; a FAIL after it and a file cut short are passed over, the latter named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-lineage-'));
    const write = (name: string, body: string, second: number) => {
      writeFileSync(join(dir, name), body);
      utimesSync(join(dir, name), second, second);
    };
    write('t1-a.json', JSON.stringify(event('t1')), 100);
    write('t2-a.json', JSON.stringify(event('t2', 'START')), 200);
    write('t2-b.json', JSON.stringify(event('t2')), 300);
    write('t3-a.json', JSON.stringify(event('t3', 'FAIL')), 400);
    write('t4-a.json', '{"eventType": "COMPL', 500);
    const latest = await latestComplete(dir);
    assert.equal(latest?.event.run.facets?.tags?.tags?.[0].value, 't2');
    assert.deepEqual(latest?.skipped, [join(dir, 't4-a.json')]);
    assert.equal(await latestComplete(join(dir, 'none')), undefined);
  });
});

describe('lineage graph (core/lineage graph, layout, svg)', () => {
  test('a column graph: raw objects → raw columns → the transform → fact column → mart column', async () => {
    const graph = columnGraph(event('t1'), 'mart_hourly_demand', 'avg_speed_mph');
    const edges = graph.edges.map((e) => `${e.from} → ${e.to}`).sort();
    assert.deepEqual(edges, [
      'col:fact_trips.speed_mph → col:mart_hourly_demand.avg_speed_mph',
      'field:tpep_pickup_datetime → transform',
      'field:trip_distance → transform',
      'raw → field:tpep_pickup_datetime',
      'raw → field:trip_distance',
      'transform → col:fact_trips.speed_mph',
    ]);
    const placed = await layoutGraph(graph);
    // ELK lays it out left to right: each edge goes rightwards, and no two boxes overlap.
    const at = new Map(placed.nodes.map((n) => [n.id, n]));
    for (const e of placed.edges) assert.ok(at.get(e.from)!.x < at.get(e.to)!.x, `${e.from} → ${e.to}`);
    for (const a of placed.nodes)
      for (const b of placed.nodes)
        if (a !== b)
          assert.ok(
            a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
            `${a.id} overlaps ${b.id}`,
          );
  });

  test('the SVG escapes every text and numbers its click targets', async () => {
    const hostile = event('<img src=x onerror=alert(1)>');
    const placed = await layoutGraph(tableGraph(hostile, 'fact_trips'));
    const { svg, targets } = lineageSvg(placed);
    assert.ok(!svg.includes('<img'), 'a run id became markup');
    assert.match(svg, /run &lt;img src=x onerror=alert\(1\)&gt;/);
    // The table (preview), its two columns (their lineage), both raw objects (preview), the mart (its lineage).
    assert.deepEqual(
      targets.map((t) => t.kind).sort(),
      ['lineage', 'lineage', 'lineage', 'object', 'object', 'table'],
    );
    assert.equal((svg.match(/data-open="/g) ?? []).length, targets.length);
  });
});

describe('row provenance (pure parts)', () => {
  test('a grid row with source_path and source_row names its raw row; one without does not', () => {
    const columns = ['reject_rule', 'source_path', 'source_row'];
    assert.deepEqual(rowSourceOf(columns, ['negative_amount', 's3a://rawzone/a/b.parquet', '17']),
      { path: 's3a://rawzone/a/b.parquet', index: 17 });
    assert.equal(rowSourceOf(columns, ['negative_amount', 's3a://rawzone/a/b.parquet', null]), undefined);
    assert.equal(rowSourceOf(['trip_key', 'source_path'], ['1', 's3a://rawzone/a/b.parquet']), undefined);
    assert.equal(rowSourceOf(columns, ['x', 's3a://rawzone/a/b.parquet', '-1']), undefined);
  });

  test('s3a:// paths split into bucket and key; anything else is a usage error', () => {
    assert.deepEqual(splitObjectUrl('s3a://rawzone/yellow/year=2024/x.parquet'),
      { bucket: 'rawzone', key: 'yellow/year=2024/x.parquet' });
    assert.throws(() => splitObjectUrl('/tmp/x.parquet'), UsageError);
    assert.throws(() => splitObjectUrl('s3a://rawzone/'), UsageError);
  });

  test('the raw row as text: where it is, then each column (64-bit integers exact, nulls named)', () => {
    const text = sourceRowText({
      path: 's3a://rawzone/y/x.parquet', index: 3, bucket: 'rawzone', key: 'y/x.parquet', rows: 20000,
      row: { VendorID: 2, big: 9007199254740993n, Airport_fee: null },
    });
    assert.deepEqual(text.split('\n'), [
      '# Row 3 of x.parquet (20,000 rows, counted from 0)', '# s3a://rawzone/y/x.parquet', '',
      'VendorID     2', 'big          9007199254740993', 'Airport_fee  null', '',
    ]);
  });
});

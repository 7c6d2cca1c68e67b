import { UsageError } from '../errors';
import { sqlNameOf } from '../gold/tables';
import type { ColumnCode, InputField, OutputDataset, RunEvent } from './events';

/** A dataset an input field belongs to: a raw object (s3://rawzone, its key) or a gold table. */
export interface DatasetRef {
  namespace: string;
  name: string;
}

/** One gold column and where it comes from, down to the raw columns. */
export interface ColumnTrace {
  table: string;
  column: string;
  type?: string;
  description?: string;
  subtype?: string;
  code?: ColumnCode;
  /** The raw columns it reads, each with the objects that hold it. */
  raw: { field: string; datasets: DatasetRef[] }[];
  /** The gold columns it reads (a mart reads fact_trips), each traced in turn. */
  upstream: ColumnTrace[];
  /** The gold columns that read this one. */
  downstream: { table: string; column: string }[];
}

export interface TableTrace {
  table: string;
  columns: { name: string; type?: string }[];
  /** The raw objects its columns read (directly or through other gold tables). */
  rawInputs: DatasetRef[];
  /** The gold tables its columns read. */
  upstreamTables: string[];
  /** The gold tables with a column that reads one of its columns. */
  downstreamTables: string[];
}

const outputsOf = (event: RunEvent) => event.outputs ?? [];
const isGold = (field: InputField, event: RunEvent) =>
  outputsOf(event).some((o) => o.namespace === field.namespace && o.name === field.name);

/** TABLE as its folder (fact_trips, quarantine/rejected_trips) or SQL name (quarantine_rejected_trips). */
export function findTable(event: RunEvent, table: string): OutputDataset {
  const wanted = table.replace(/\/$/, '');
  const found = outputsOf(event).find((o) => o.name === wanted || sqlNameOf(o.name) === wanted);
  if (!found) {
    const names = outputsOf(event)
      .map((o) => o.name)
      .join(', ');
    throw new UsageError(`no gold table ${table} in the lineage of the last transform run`, `tables: ${names}`);
  }
  return found;
}

const lineageFields = (dataset: OutputDataset) => dataset.facets?.columnLineage?.fields ?? {};
const schemaFields = (dataset: OutputDataset) => dataset.facets?.schema?.fields ?? [];

const readsFrom = (field: InputField, dataset: OutputDataset, column?: string) =>
  field.namespace === dataset.namespace &&
  field.name === dataset.name &&
  (column === undefined || field.field === column);

function downstreamOf(event: RunEvent, dataset: OutputDataset, column?: string) {
  const found: { table: string; column: string }[] = [];
  for (const output of outputsOf(event))
    for (const [name, lineage] of Object.entries(lineageFields(output)))
      if (lineage.inputFields.some((f) => readsFrom(f, dataset, column)))
        found.push({ table: output.name, column: name });
  return found;
}

/** Where TABLE.COLUMN comes from: its code line, the raw columns, and through gold tables, recursively. */
export function traceColumn(event: RunEvent, table: string, column: string, seen = new Set<string>()): ColumnTrace {
  const dataset = findTable(event, table);
  const type = schemaFields(dataset).find((f) => f.name === column)?.type;
  const lineage = lineageFields(dataset)[column];
  if (!lineage && type === undefined) {
    const names = schemaFields(dataset)
      .map((f) => f.name)
      .join(', ');
    throw new UsageError(`no column ${column} in gold table ${dataset.name}`, `columns: ${names}`);
  }
  const key = `${dataset.name}.${column}`;
  seen.add(key);
  const inputs = lineage?.inputFields ?? [];
  const raw = new Map<string, DatasetRef[]>();
  for (const field of inputs.filter((f) => !isGold(f, event)))
    raw.set(field.field, [...(raw.get(field.field) ?? []), { namespace: field.namespace, name: field.name }]);
  const upstream = inputs
    .filter((f) => isGold(f, event) && !seen.has(`${f.name}.${f.field}`))
    .map((f) => traceColumn(event, f.name, f.field, seen));
  return {
    table: dataset.name,
    column,
    type,
    description: lineage?.transformationDescription,
    subtype: inputs[0]?.transformations?.[0]?.subtype,
    code: dataset.facets?.etlColumnCode?.columns[column],
    raw: [...raw].map(([field, datasets]) => ({ field, datasets })),
    upstream,
    downstream: downstreamOf(event, dataset, column),
  };
}

const unique = <T>(items: T[], key: (item: T) => string) => [...new Map(items.map((i) => [key(i), i])).values()];

/** TABLE's columns, the raw objects and gold tables it reads, and the gold tables that read it. */
export function traceTable(event: RunEvent, table: string): TableTrace {
  const dataset = findTable(event, table);
  const columns = schemaFields(dataset).map(({ name, type }) => ({ name, type }));
  const traces = Object.keys(lineageFields(dataset)).map((column) => traceColumn(event, dataset.name, column));
  const rawOf = (trace: ColumnTrace): DatasetRef[] => [
    ...trace.raw.flatMap((r) => r.datasets),
    ...trace.upstream.flatMap(rawOf),
  ];
  return {
    table: dataset.name,
    columns,
    rawInputs: unique(traces.flatMap(rawOf), (d) => `${d.namespace}/${d.name}`).sort((a, b) =>
      `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    ),
    upstreamTables: [...new Set(traces.flatMap((t) => t.upstream.map((u) => u.table)))].sort(),
    downstreamTables: [...new Set(downstreamOf(event, dataset).map((d) => d.table))]
      .filter((t) => t !== dataset.name)
      .sort(),
  };
}

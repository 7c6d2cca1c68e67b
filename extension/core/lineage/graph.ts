import { etlRunId, type RunEvent } from './events';
import { describeSource } from './format';
import { traceColumn, traceTable, type ColumnTrace, type DatasetRef } from './trace';

/** What clicking a node (or one of its lines) opens. */
export type OpenTarget =
  | { kind: 'object'; bucket: string; key: string }
  | { kind: 'table'; table: string }
  | { kind: 'code'; file: string; line: number }
  | { kind: 'lineage'; table: string; column?: string };

export interface GraphLine {
  text: string;
  /** The whole text when `text` is shortened (a tooltip). */
  title?: string;
  open?: OpenTarget;
}

export interface LineageNode {
  id: string;
  kind: 'raw' | 'raw-column' | 'transform' | 'gold-table' | 'gold-column';
  label: string;
  detail?: string;
  focus?: boolean;
  open?: OpenTarget;
  lines?: GraphLine[];
}

export interface LineageGraph {
  title: string;
  source: string;
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

const MAX_OBJECTS = 12; // a year of monthly files
const MAX_COLUMNS = 60; // every column of every gold table
const TRANSFORM = 'transform';

/** `s3://rawzone` + key → the object to preview. */
const objectOf = (d: DatasetRef): OpenTarget => ({ kind: 'object', bucket: d.namespace.replace(/^s3:\/\//, ''), key: d.name });

function capped(lines: GraphLine[], max: number, what: string): GraphLine[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), { text: `… and ${lines.length - max + 1} more ${what}` }];
}

function rawNode(objects: DatasetRef[]): LineageNode {
  return {
    id: 'raw',
    kind: 'raw',
    label: `rawzone: ${objects.length} object(s)`,
    detail: 'click one to preview it',
    lines: capped(
      objects.map((d) => ({
        text: d.name.split('/').pop() ?? d.name,
        title: `${d.namespace}/${d.name}`,
        open: objectOf(d),
      })),
      MAX_OBJECTS,
      'objects (etl lineage --json lists them all)',
    ),
  };
}

class Builder {
  readonly nodes = new Map<string, LineageNode>();
  readonly edges = new Map<string, { from: string; to: string }>();
  add(node: LineageNode) {
    if (!this.nodes.has(node.id)) this.nodes.set(node.id, node);
    return node.id;
  }
  link(from: string, to: string) {
    this.edges.set(`${from}->${to}`, { from, to });
  }
  graph(title: string, event: RunEvent): LineageGraph {
    return { title, source: describeSource(event), nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }
}

function transformNode(event: RunEvent): LineageNode {
  return { id: TRANSFORM, kind: 'transform', label: 'clean_and_transform', detail: `run ${etlRunId(event) ?? '?'}` };
}

function columnNode(trace: ColumnTrace, focus: boolean): LineageNode {
  const code = trace.code?.file && trace.code.line ? { file: trace.code.file, line: trace.code.line } : undefined;
  return {
    id: `col:${trace.table}.${trace.column}`,
    kind: 'gold-column',
    label: `${trace.table}.${trace.column}`,
    detail: [trace.type, code ? `${code.file.split('/').pop()}:${code.line}` : undefined].filter(Boolean).join(' · '),
    focus,
    open: code ? { kind: 'code', ...code } : { kind: 'lineage', table: trace.table, column: trace.column },
  };
}

/** Adds a column and everything it reads; returns its node id. */
function addColumn(b: Builder, event: RunEvent, trace: ColumnTrace, focus: boolean, objects: DatasetRef[]): string {
  const id = b.add(columnNode(trace, focus));
  if (trace.raw.length) {
    b.add(transformNode(event));
    b.link(TRANSFORM, id);
    for (const raw of trace.raw) {
      objects.push(...raw.datasets);
      const rawId = b.add({ id: `field:${raw.field}`, kind: 'raw-column', label: raw.field, detail: 'raw column' });
      b.link('raw', rawId);
      b.link(rawId, TRANSFORM);
    }
  }
  for (const up of trace.upstream) b.link(addColumn(b, event, up, false, objects), id);
  return id;
}

const uniqueRefs = (refs: DatasetRef[]) => [...new Map(refs.map((d) => [`${d.namespace}/${d.name}`, d])).values()];

/** TABLE.COLUMN: raw objects → raw columns → the transform → gold columns → the columns that read it. */
export function columnGraph(event: RunEvent, table: string, column: string): LineageGraph {
  const trace = traceColumn(event, table, column);
  const b = new Builder();
  const objects: DatasetRef[] = [];
  const focus = addColumn(b, event, trace, true, objects);
  if (objects.length) b.add(rawNode(uniqueRefs(objects)));
  for (const down of trace.downstream) {
    const id = b.add({
      id: `col:${down.table}.${down.column}`,
      kind: 'gold-column',
      label: `${down.table}.${down.column}`,
      detail: 'reads it',
      open: { kind: 'lineage', table: down.table, column: down.column },
    });
    b.link(focus, id);
  }
  return b.graph(`Lineage of ${trace.table}.${trace.column}`, event);
}

/** TABLE: raw objects → the transform → the gold tables it reads → it (its columns) → the tables that read it. */
export function tableGraph(event: RunEvent, table: string): LineageGraph {
  const trace = traceTable(event, table);
  const b = new Builder();
  const focus = b.add({
    id: `table:${trace.table}`,
    kind: 'gold-table',
    label: trace.table,
    detail: `${trace.columns.length} columns · click one for its lineage`,
    focus: true,
    open: { kind: 'table', table: trace.table },
    lines: capped(
      trace.columns.map((c) => ({
        text: `${c.name}${c.type ? `  ${c.type}` : ''}`,
        open: { kind: 'lineage', table: trace.table, column: c.name },
      })),
      MAX_COLUMNS,
      'columns',
    ),
  });
  b.add(transformNode(event));
  const direct = trace.rawInputs;
  if (direct.length) {
    b.add(rawNode(direct));
    b.link('raw', TRANSFORM);
  }
  const tableNode = (name: string, detail: string) =>
    b.add({ id: `table:${name}`, kind: 'gold-table', label: name, detail, open: { kind: 'lineage', table: name } });
  for (const up of trace.upstreamTables) {
    b.link(TRANSFORM, tableNode(up, 'read by it'));
    b.link(`table:${up}`, focus);
  }
  if (!trace.upstreamTables.length) b.link(TRANSFORM, focus);
  for (const down of trace.downstreamTables) b.link(focus, tableNode(down, 'reads it'));
  return b.graph(`Lineage of ${trace.table}`, event);
}

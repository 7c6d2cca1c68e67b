import type { RunEvent } from './events';
import { etlRunId } from './events';
import type { ColumnTrace, DatasetRef, TableTrace } from './trace';

const MAX_OBJECTS = 5;
const url = (d: DatasetRef) => `${d.namespace}/${d.name}`;

function objectLines(datasets: DatasetRef[], indent: string): string[] {
  const shown = datasets.slice(0, MAX_OBJECTS).map((d) => `${indent}${url(d)}`);
  const more = datasets.length - shown.length;
  return more > 0 ? [...shown, `${indent}… and ${more} more (--json lists them all)`] : shown;
}

/** Which run the lineage is of: our run id, when it ended, and the run that started it (an Airflow task). */
export function describeSource(event: RunEvent): string {
  const parent = event.run.facets?.parent;
  const by = parent ? `, run by ${parent.job.name} ${parent.run.runId}` : '';
  return `lineage of transform run ${etlRunId(event) ?? event.run.runId} (completed ${event.eventTime}${by})`;
}

function columnLines(trace: ColumnTrace, indent: string): string[] {
  const lines = [`${indent}${trace.table}.${trace.column}${trace.type ? ` (${trace.type})` : ''}`];
  const at = trace.code?.file ? `${trace.code.file}:${trace.code.line}` : 'no declaration (a column as read)';
  lines.push(`${indent}  defined at ${at}: ${trace.description ?? 'no lineage recorded'}`);
  if (trace.raw.length) {
    lines.push(`${indent}  reads raw columns ${trace.raw.map((r) => r.field).join(', ')}`);
    const objects = [...new Map(trace.raw.flatMap((r) => r.datasets).map((d) => [url(d), d])).values()];
    lines.push(`${indent}    of ${objects.length} object(s):`, ...objectLines(objects, `${indent}      `));
  }
  for (const up of trace.upstream) {
    lines.push(`${indent}  reads ${up.table}.${up.column}:`);
    lines.push(...columnLines(up, `${indent}    `));
  }
  if (!trace.raw.length && !trace.upstream.length && trace.code?.file)
    lines.push(`${indent}  reads no column (made by the code)`);
  return lines;
}

export function formatColumnTrace(trace: ColumnTrace, event: RunEvent): string {
  const read = trace.downstream.map((d) => `${d.table}.${d.column}`);
  return [
    describeSource(event),
    ...columnLines(trace, ''),
    `  read by: ${read.length ? read.join(', ') : 'no other gold column'}`,
  ].join('\n');
}

export function formatTableTrace(trace: TableTrace, event: RunEvent): string {
  const columns = trace.columns.map((c) => `${c.name}${c.type ? ` ${c.type}` : ''}`).join(', ');
  return [
    describeSource(event),
    `${trace.table}: ${trace.columns.length} columns`,
    trace.rawInputs.length
      ? `  reads raw objects (${trace.rawInputs.length}):`
      : '  reads no raw object (made by the code)',
    ...objectLines(trace.rawInputs, '    '),
    `  reads gold tables: ${trace.upstreamTables.join(', ') || 'none'}`,
    `  read by gold tables: ${trace.downstreamTables.join(', ') || 'none'}`,
    `  columns: ${columns}`,
  ].join('\n');
}

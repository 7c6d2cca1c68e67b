import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';
import { latestComplete, lineageDir, type RunEvent } from '../../core/lineage/events';
import { columnGraph, tableGraph, type OpenTarget } from '../../core/lineage/graph';
import { layoutGraph } from '../../core/lineage/layout';
import type { EtlServices } from '../common/services';
import type { LineagePanel } from './lineagePanel';

/** What Show Lineage is asked about: a Gold tables node (table or column), or names (a link, a test). */
export type LineageSubject = { table: string; column?: string };

/** The newest completed run's events, or what to do when there are none. */
export async function latestLineage(services: EtlServices): Promise<RunEvent> {
  const dir = lineageDir(services.project().paths);
  const latest = await latestComplete(dir);
  if (!latest)
    throw new EtlError(
      `No transform run has left lineage yet (looked in ${dir}).`,
      'run the transform (ETL: Transform or ETL: Run Pipeline), then Show Lineage again',
    );
  for (const file of latest.skipped) services.diagnostics.warn(`lineage: ${file} is not an event; skipped`);
  return latest.event;
}

/** Asks for a table (then a column, or the whole table) from the lineage itself. */
async function pickSubject(event: RunEvent): Promise<LineageSubject | undefined> {
  const tables = (event.outputs ?? []).map((o) => ({ label: o.name, fields: o.facets?.schema?.fields ?? [] }));
  const table = await vscode.window.showQuickPick(tables, { title: 'Show Lineage of which gold table?' });
  if (!table) return undefined;
  const whole = { label: '(the whole table)', column: undefined };
  const columns = table.fields.map((f) => ({ label: f.name, description: f.type, column: f.name }));
  const column = await vscode.window.showQuickPick([whole, ...columns], {
    title: `Lineage of ${table.label}: which column?`,
  });
  return column && { table: table.label, column: column.column };
}

/** "Show Lineage": the graph of a gold table or column, from the last completed transform's events. */
export async function showLineageCommand(
  services: EtlServices,
  panel: () => LineagePanel,
  subject?: LineageSubject,
): Promise<LineagePanel | undefined> {
  const event = await latestLineage(services);
  const wanted = subject ?? (await pickSubject(event));
  if (!wanted) return undefined;
  const graph = wanted.column ? columnGraph(event, wanted.table, wanted.column) : tableGraph(event, wanted.table);
  const shown = panel();
  shown.show(await layoutGraph(graph));
  return shown;
}

export type { OpenTarget };

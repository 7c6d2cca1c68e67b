import * as vscode from 'vscode';
import type { OpenTarget } from '../../core/lineage/graph';
import { guarded, reportError } from '../common/notify';
import type { EtlServices } from '../common/services';
import { LineagePanel } from './lineagePanel';
import { openTarget } from './openTarget';
import { showLineageCommand, type LineageSubject } from './showLineage';

/** A Gold tables node: a table (its root) or a column (its table's root and its name). */
type GoldNode =
  | { kind: 'goldTable'; ref: { root: string } }
  | { kind: 'goldColumn'; root: string; column: { name: string } };

const subjectOf = (arg?: GoldNode | LineageSubject): LineageSubject | undefined => {
  if (!arg) return undefined;
  if ('kind' in arg && arg.kind === 'goldTable') return { table: arg.ref.root.replace(/\/$/, '') };
  if ('kind' in arg && arg.kind === 'goldColumn') return { table: arg.root.replace(/\/$/, ''), column: arg.column.name };
  return arg as LineageSubject;
};

/** Show Lineage: from the Gold tables view (a table, a column), the palette, and the graph's own links. */
export function registerLineage(context: vscode.ExtensionContext, services: EtlServices) {
  const state: { panel?: LineagePanel } = {};
  const show = (subject?: LineageSubject): Promise<LineagePanel | undefined> =>
    showLineageCommand(services, panel, subject);
  const open = (target: OpenTarget): Promise<unknown> =>
    target.kind === 'lineage'
      ? show({ table: target.table, column: target.column }).catch((error: unknown) => reportError(services, error))
      : openTarget(services, target);
  const panel = (): LineagePanel => {
    if (!state.panel) {
      state.panel = new LineagePanel(context, open);
      state.panel.panel.onDidDispose(() => (state.panel = undefined));
    }
    return state.panel;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(
      'etlSpark.lineage.show',
      guarded(services, (arg?: GoldNode | LineageSubject) => show(subjectOf(arg))),
    ),
  );
  return state;
}

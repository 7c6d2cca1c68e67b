import * as vscode from 'vscode';
import type { CatalogAsOf } from '../../core/gold/asOf';
import { parseTimestamp, parseVersion } from '../../core/gold/asOfText';
import { loadReports } from '../../core/runs/load';
import { s3Client } from '../../core/s3/client';
import type { EtlServices } from '../common/services';

type Choice = 'current' | 'run' | 'version' | 'time';

/** The error text of a parser for an input box's validation (undefined: valid). */
const problemOf = (parse: (value: string) => unknown) => (value: string) => {
  try {
    parse(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

/** Run ids with a quality report, newest first; an input box when none can be listed. */
async function pickRun(services: EtlServices): Promise<string | undefined> {
  const config = services.project();
  const { reports } = await loadReports(s3Client(config, await services.credentials()), config.buckets.gold).catch(
    () => ({ reports: [] }),
  );
  if (!reports.length)
    return vscode.window.showInputBox({ title: 'Query Gold as of which run? (its run id)', ignoreFocusOut: true });
  const items = [...reports]
    .sort((a, b) => b.ended_at.localeCompare(a.ended_at))
    .map((r) => ({ label: r.run_id, description: `${r.status} · ended ${r.ended_at}` }));
  return (await vscode.window.showQuickPick(items, { title: 'Query Gold as of which run?', ignoreFocusOut: true }))
    ?.label;
}

/**
 * Query Gold…'s "as of": the current snapshots (default), every table as a run left it, one version
 * (per table: for a query over one table) or a time. `null`: the user cancelled.
 */
export async function pickAsOf(services: EtlServices): Promise<CatalogAsOf | undefined | null> {
  const choices: { label: string; description: string; choice: Choice }[] = [
    { label: 'Current', description: 'the latest version of every table', choice: 'current' },
    { label: 'As of a run…', description: 'every table as a transform run left it', choice: 'run' },
    { label: 'As of a version…', description: 'version N of each table (mostly for one table)', choice: 'version' },
    { label: 'As of a time…', description: 'every table as it was at a time (ISO 8601)', choice: 'time' },
  ];
  // A step of Query Gold…: focus returning to the grid behind it must not close it.
  const picked = await vscode.window.showQuickPick(choices, { title: 'Query Gold as of…', ignoreFocusOut: true });
  if (!picked) return null;
  if (picked.choice === 'current') return undefined;
  if (picked.choice === 'run') {
    const run = (await pickRun(services))?.trim();
    return run ? { run } : null;
  }
  if (picked.choice === 'version') {
    const text = await vscode.window.showInputBox({
      title: 'Query Gold as of which version? (0: the table’s creation)',
      validateInput: problemOf(parseVersion),
      ignoreFocusOut: true,
    });
    return text === undefined ? null : { version: parseVersion(text) };
  }
  const text = await vscode.window.showInputBox({
    title: 'Query Gold as of which time?',
    prompt: 'ISO 8601 with its zone, e.g. 2026-12-04T08:00:00Z, or a date (00:00 UTC)',
    value: new Date().toISOString().slice(0, 19) + 'Z',
    validateInput: problemOf(parseTimestamp),
    ignoreFocusOut: true,
  });
  return text === undefined ? null : { timestamp: parseTimestamp(text) };
}

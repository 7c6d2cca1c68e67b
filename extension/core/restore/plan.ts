import { randomBytes } from 'node:crypto';
import { runOfCommit } from '../gold/deltaLog';
import { EtlError } from '../errors';
import { checkRunId } from '../runId';

/**
 * `etl restore --before-run RUN`: what each gold table goes back to. Pure: the loader (load.ts) reads the logs.
 * A table goes back to the version just before RUN's first commit to it; a table RUN did not write stays as is.
 * Delta has no transaction across tables, so a restore is one RESTORE commit per table: a table whose current
 * files already are the target's is "already restored", which is how a rerun after a partial failure finishes.
 */

/** One commit of a table's log as restore needs it: who made it, which data files it added and removed. */
export interface LogCommit {
  version: number;
  timestamp?: number;
  operation?: string;
  userMetadata?: string;
  /** Paths relative to the table folder (decoded), with their row counts when the add's stats have them. */
  added: { path: string; rows?: number }[];
  removed: string[];
}

export interface TableLog {
  /** The table's folder in the bucket without the trailing slash: `fact_trips`, `quarantine/rejected_trips`. */
  table: string;
  /** The commits still in the log, oldest first. */
  commits: LogCommit[];
}

export type TableStep =
  | {
      table: string;
      action: 'restore';
      from: number;
      to: number;
      /** Rows of the current snapshot and of the target version, from the log's stats (undefined: not known). */
      rowsNow?: number;
      rowsThen?: number;
      /** Other runs whose commits after the target are undone too (they came after RUN). */
      alsoUndone: string[];
    }
  | { table: string; action: 'already-restored'; version: number; to: number }
  /** RUN made the table's first commit: there is no version before it. Restore never deletes a table. */
  | { table: string; action: 'created-by-run'; version: number };

export interface RestorePlan {
  beforeRun: string;
  steps: TableStep[];
}

/** The steps that change gold (a RESTORE commit each), in the plan's order. */
export const restoreSteps = (plan: RestorePlan) =>
  plan.steps.filter((s): s is Extract<TableStep, { action: 'restore' }> => s.action === 'restore');

/** The run made no commit to any gold table: nothing in gold to go back from. */
export const wroteNothing = (plan: RestorePlan) => plan.steps.length === 0;

/** Data files (path → rows) of the snapshot at `version`, undefined when the log no longer holds it from 0. */
export function filesAt(commits: LogCommit[], version: number): Map<string, number | undefined> | undefined {
  // Without commit 0 the files of older checkpoints are unknown here; then nothing is called "already restored".
  if (!commits.length || commits[0].version !== 0) return undefined;
  const files = new Map<string, number | undefined>();
  for (const commit of commits) {
    if (commit.version > version) break;
    for (const path of commit.removed) files.delete(path);
    for (const add of commit.added) files.set(add.path, add.rows);
  }
  return files;
}

const sameFiles = (a: Map<string, unknown>, b: Map<string, unknown>) =>
  a.size === b.size && [...a.keys()].every((path) => b.has(path));

function rowsOf(files: Map<string, number | undefined> | undefined): number | undefined {
  if (!files) return undefined;
  let rows = 0;
  for (const n of files.values()) {
    if (n === undefined) return undefined;
    rows += n;
  }
  return rows;
}

function stepOf(log: TableLog, beforeRun: string): TableStep | undefined {
  const first = log.commits.find((c) => runOfCommit(c) === beforeRun);
  if (!first) return undefined;
  const current = log.commits[log.commits.length - 1].version;
  const to = first.version - 1;
  if (to < 0) return { table: log.table, action: 'created-by-run', version: current };
  const now = filesAt(log.commits, current);
  const then = filesAt(log.commits, to);
  if (now && then && sameFiles(now, then))
    return { table: log.table, action: 'already-restored', version: current, to };
  const alsoUndone = [
    ...new Set(
      log.commits
        .filter((c) => c.version > first.version)
        .map((c) => runOfCommit(c))
        .filter((run): run is string => !!run && run !== beforeRun),
    ),
  ];
  return {
    table: log.table,
    action: 'restore',
    from: current,
    to,
    rowsNow: rowsOf(now),
    rowsThen: rowsOf(then),
    alsoUndone,
  };
}

/** The runs that wrote gold, newest commit first (what an unknown run id's message suggests). */
export function runsInLogs(logs: TableLog[]): string[] {
  const commits = logs.flatMap((l) => l.commits).sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0));
  return [...new Set(commits.map((c) => runOfCommit(c)).filter((r): r is string => !!r))];
}

/**
 * The plan for `beforeRun` over every table's log. `knownRuns` are runs that exist but may have written nothing
 * (an extraction, a run whose report is in gold/_quality/): those give an empty plan, any other id is an error.
 */
export function planRestore(beforeRun: string, logs: TableLog[], knownRuns: Iterable<string> = []): RestorePlan {
  checkRunId(beforeRun, '--before-run');
  const steps = logs.flatMap((log) => stepOf(log, beforeRun) ?? []);
  if (!steps.length && ![...knownRuns].includes(beforeRun)) {
    const recent = runsInLogs(logs).slice(0, 5);
    throw new EtlError(
      `no run '${beforeRun}' is known: no gold commit, quality report or extraction names it`,
      recent.length
        ? `runs that wrote gold, newest first: ${recent.join(', ')} (all runs: the Runs view in VS Code)`
        : 'gold has no commit that names a run yet',
    );
  }
  return { beforeRun, steps };
}

/** Run ids reach the Python module as arguments and the report: the contract's run id (core/runId.ts). */
export { checkRunId };

const pad = (n: number) => String(n).padStart(2, '0');

/** `restore-<UTC yyyymmddTHHMMSSZ>-<6 hex>`, like the extract and transform run ids. */
export function newRestoreId(now = new Date(), hex = randomHex()): string {
  const stamp =
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}` +
    `T${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}Z`;
  return `restore-${stamp}-${hex}`;
}

const randomHex = () => randomBytes(3).toString('hex');

/**
 * `python -m etl.restore …`: one `--table T=VERSION` per table to restore, in the plan's order, and the version the
 * plan saw (`--expect-version`): a table a transform moved since is not restored to a plan nobody saw.
 */
export function restoreArgs(plan: RestorePlan, restoreId: string): string[] {
  const tables = restoreSteps(plan).flatMap((s) => ['--table', `${s.table}=${s.to}`, '--expect-version',
    `${s.table}=${s.from}`]);
  const ids = ['--run-id', checkRunId(restoreId, '--run-id'), '--before-run', plan.beforeRun];
  return ['-m', 'etl.restore', ...ids, ...tables];
}

const count = (n: number | undefined) => (n === undefined ? '?' : n.toLocaleString('en-US'));

/** One line per table: what changes, and what is left as is and why. */
export function describeStep(step: TableStep): string {
  if (step.action === 'already-restored')
    return `${step.table}: already as before the run (v${step.version} holds v${step.to}'s files)`;
  if (step.action === 'created-by-run')
    return `${step.table}: created by the run (no version before it), not removed; left at v${step.version}`;
  const undone = step.alsoUndone.length ? `; also undoes the later run(s) ${step.alsoUndone.join(', ')}` : '';
  const rows = `rows ${count(step.rowsNow)} now → ${count(step.rowsThen)} then`;
  return `${step.table}: v${step.from} → v${step.to} (${rows})${undone}`;
}

export function describePlan(plan: RestorePlan): string[] {
  if (wroteNothing(plan)) return [`run ${plan.beforeRun} wrote nothing to gold: nothing to restore`];
  const changes = restoreSteps(plan).length;
  const head = changes
    ? `restore before run ${plan.beforeRun}: ${changes} table(s) go back`
    : `gold is already as before run ${plan.beforeRun}: nothing to restore`;
  return [head, ...plan.steps.map((s) => `  ${describeStep(s)}`)];
}

import type { QualityReport } from '../runs/report';
import type { LocatedCheck, TextRange } from './locate';
import type { CheckResult, CheckRun } from './results';

/** How the Testing view shows a check. */
export type CheckState = 'passed' | 'failed' | 'skipped';

export interface CheckOutcome {
  name: string;
  state: CheckState;
  result: CheckResult;
  /** One line for people: severity, measured, bound, then the check's own message. */
  message: string;
}

const STATES: Record<CheckResult['status'], CheckState> = { pass: 'passed', fail: 'failed', skipped: 'skipped' };

const isResult = (value: unknown): value is CheckResult => {
  const r = value as CheckResult | undefined;
  return typeof r?.name === 'string' && typeof r.status === 'string' && r.status in STATES;
};

/** "error check failed: measured 3, bound = 0: 3 rows returned" (what a TestMessage and a diagnostic say). */
export function describeResult(result: CheckResult): string {
  const measured = result.measured === null || result.measured === undefined ? '—' : String(result.measured);
  const what = { pass: 'passed', fail: 'failed', skipped: 'skipped' }[result.status];
  const bound = result.bound ? `, bound ${result.bound}` : '';
  const message = result.message ? `: ${result.message}` : '';
  return `${result.severity} check ${what}: measured ${measured}${bound}${message}`;
}

/** The results of a run (`etl check --json`, a report's `checks`) as states, by check name. */
export function outcomesOf(results: readonly unknown[]): Map<string, CheckOutcome> {
  const outcomes = new Map<string, CheckOutcome>();
  for (const result of results.filter(isResult))
    outcomes.set(result.name, {
      name: result.name,
      state: STATES[result.status],
      result,
      message: describeResult(result),
    });
  return outcomes;
}

/** What `etl check --json` printed, as states. */
export const outcomesOfRun = (run: CheckRun) => outcomesOf(run.checks);

/**
 * The check results a transform's quality report holds (undefined: the report predates the checks, or is a
 * restore's). A run the checks stopped has them all; a published one too.
 */
export function reportChecks(report: QualityReport | undefined): CheckResult[] | undefined {
  const checks = report?.checks;
  return Array.isArray(checks) ? checks.filter(isResult) : undefined;
}

/** One Problems entry: a failed check at its line in config/checks.yaml. */
export interface CheckProblem {
  name: string;
  range: TextRange;
  /** A failed `error` check is an Error, a failed `warn` check a Warning. */
  severity: 'error' | 'warning';
  message: string;
}

/**
 * The failed checks among `outcomes`, each at its line in the file; a result whose check is no longer in the file has
 * no line and is left out (the file moved on), and a passed or skipped check has no problem.
 */
export function checkProblems(located: LocatedCheck[], outcomes: Map<string, CheckOutcome>): CheckProblem[] {
  return located.flatMap((check) => {
    const outcome = outcomes.get(check.name);
    if (outcome?.state !== 'failed') return [];
    return [{
      name: check.name,
      range: check.range,
      severity: outcome.result.severity === 'warn' ? ('warning' as const) : ('error' as const),
      message: `${check.name}: ${outcome.message}`,
    }];
  });
}

/** Results of check names the file does not hold (renamed or removed since they ran). */
export const unlocated = (located: LocatedCheck[], outcomes: Map<string, CheckOutcome>) => {
  const names = new Set(located.map((c) => c.name));
  return [...outcomes.values()].filter((o) => !names.has(o.name));
};

/**
 * Which `--only` names run what was asked: every check (no name) when all of them are asked, else each name once,
 * in the file's order.
 */
export function onlyNames(located: LocatedCheck[], asked: Iterable<string>): string[] {
  const wanted = new Set(asked);
  const names = located.map((c) => c.name).filter((name) => wanted.has(name));
  return names.length === located.length ? [] : names;
}

import * as vscode from 'vscode';
import { formatCheckTable } from '../../core/checks/results';
import { runChecks } from '../../core/checks/run';
import { onlyNames, outcomesOfRun, type CheckOutcome } from '../../core/checks/states';
import { describeError } from '../../core/errors';
import { requireTrust } from '../common/services';
import type { ChecksTesting } from './checksTesting';
import { markResults, terminalText } from './markResults';

/**
 * The Run profile of "ETL checks": `etl check --json` (the core runner the CLI uses: `python -m etl.checks` where the
 * stack runs) for the asked checks only (`--only NAME` each, or none when all are asked), each marked by its result.
 * Resolves with the outcomes (the extension-host test reads them); a run that could not happen errors every item.
 */
export async function runChecksHandler(
  testing: ChecksTesting,
  request: vscode.TestRunRequest,
  token: vscode.CancellationToken,
): Promise<Map<string, CheckOutcome>> {
  if (!requireTrust('Running the checks')) return new Map();
  await testing.refresh();
  const checks = testing.checksOf(request);
  const run = testing.controller.createTestRun(request, 'etl check', true);
  const outcomes = new Map<string, CheckOutcome>();
  const controller = new AbortController();
  const cancel = token.onCancellationRequested(() => controller.abort());
  try {
    for (const check of checks) {
      const item = testing.itemOf(check.name);
      if (item) run.started(item);
    }
    if (!checks.length) return outcomes;
    const { services } = testing;
    const only = onlyNames(testing.checks, checks.map((c) => c.name));
    run.appendOutput(terminalText(`etl check --json${only.map((name) => ` --only ${name}`).join('')}`));
    const config = services.project();
    const { mode } = await services.stack();
    const result = await runChecks(config, only, mode, await services.stepEnv(), controller.signal);
    run.appendOutput(terminalText(formatCheckTable(result.checks)));
    for (const [name, outcome] of outcomesOfRun(result)) outcomes.set(name, outcome);
    markResults(testing, run, checks, outcomes, 'errored');
    testing.record(outcomes);
    services.diagnostics.info(`checks run: ${[...outcomes.values()].map((o) => `${o.name} ${o.state}`).join(', ')}`);
  } catch (error) {
    const text = controller.signal.aborted ? 'cancelled' : describeError(error);
    testing.services.lastError = text;
    testing.services.diagnostics.error(`etl check: ${text}`);
    run.appendOutput(terminalText(text));
    for (const check of checks) {
      const item = testing.itemOf(check.name);
      if (!item) continue;
      if (controller.signal.aborted) run.skipped(item);
      else run.errored(item, new vscode.TestMessage(text));
    }
  } finally {
    cancel.dispose();
    run.end();
  }
  return outcomes;
}

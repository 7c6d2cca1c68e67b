import * as vscode from 'vscode';
import { lastTransformReport } from '../../core/checks/lastTransform';
import { outcomesOf, reportChecks } from '../../core/checks/states';
import { describeError } from '../../core/errors';
import type { QualityReport } from '../../core/runs/report';
import { s3Client } from '../../core/s3/client';
import type { ChecksTesting } from './checksTesting';
import { markResults, terminalText } from './markResults';

/**
 * The last transform's check results (its quality report's `checks`, published or stopped by them) as a finished,
 * persisted test run named after it: the Testing view shows them without running anything, and its failed checks are
 * the Problems. Shown once per transform (`force`: again). Resolves with the report read; a stack that does not answer
 * is a debug line, not an error (this runs on activation).
 */
export async function showLastTransform(testing: ChecksTesting, force = false): Promise<QualityReport | undefined> {
  const { services } = testing;
  let report: QualityReport | undefined;
  try {
    const config = services.project();
    report = await lastTransformReport(s3Client(config, await services.credentials()), config.buckets.gold);
    testing.lastTransformRead = true;
  } catch (error) {
    services.diagnostics.debug(`checks: the last transform's report not read: ${describeError(error).split('\n')[0]}`);
    return undefined;
  }
  const results = reportChecks(report);
  if (!report || !results || (!force && report.run_id === testing.lastTransformRunId)) return report;
  testing.lastTransformRunId = report.run_id;
  await testing.refresh();
  const outcomes = outcomesOf(results);
  const stopped = report.stopped_by === 'checks' ? ', stopped by checks before any write' : '';
  const run = testing.controller.createTestRun(new vscode.TestRunRequest(), `last transform ${report.run_id}`, true);
  try {
    const what = `last transform ${report.run_id} (${report.status}${stopped}), ended ${report.ended_at}`;
    run.appendOutput(terminalText(what));
    markResults(testing, run, testing.checks, outcomes, 'leave');
  } finally {
    run.end();
  }
  // A new transform's results are the latest of every check it ran.
  testing.record(outcomes, true);
  return report;
}

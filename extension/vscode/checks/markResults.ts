import * as vscode from 'vscode';
import type { LocatedCheck } from '../../core/checks/locate';
import type { CheckOutcome } from '../../core/checks/states';
import type { ChecksTesting } from './checksTesting';

/** TestRun output wants CRLF line ends (it is a terminal). */
export const terminalText = (text: string) => `${text.replace(/\r?\n/g, '\r\n')}\r\n`;

/**
 * Marks each check of `checks` in `run` by its outcome: passed, failed with a TestMessage (severity, measured, bound,
 * message; at the check's line), skipped with the reason in the output at that line. A check without a result is
 * `noResult` (errored in a run of it, left unmarked for the last transform, which may predate the check).
 */
export function markResults(
  testing: ChecksTesting,
  run: vscode.TestRun,
  checks: LocatedCheck[],
  outcomes: Map<string, CheckOutcome>,
  noResult: 'errored' | 'leave',
): void {
  for (const check of checks) {
    const item = testing.itemOf(check.name);
    if (!item) continue;
    const outcome = outcomes.get(check.name);
    const location = testing.locationOf(check.name);
    if (!outcome) {
      if (noResult === 'errored') run.errored(item, withLocation(`${check.name}: no result came back`, location));
      continue;
    }
    if (outcome.state === 'passed') run.passed(item);
    else if (outcome.state === 'failed') run.failed(item, withLocation(outcome.message, location));
    else {
      run.skipped(item);
      run.appendOutput(terminalText(`${check.name}: ${outcome.message}`), location, item);
    }
  }
}

function withLocation(text: string, location: vscode.Location | undefined): vscode.TestMessage {
  const message = new vscode.TestMessage(text);
  message.location = location;
  return message;
}

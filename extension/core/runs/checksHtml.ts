import type { CheckResult } from '../checks/results';
import { escapeHtml } from './escape';

/** The report's checks as a table, and a line saying when they stopped the run (nothing written). */
export function checksSection(checks: CheckResult[] | undefined, stoppedBy: unknown, error: unknown): string {
  if (!Array.isArray(checks) || !checks.length) return '';
  const stopped = stoppedBy === 'checks'
    ? `<p><strong>Stopped by checks before any write</strong>: ${escapeHtml(error)}</p>` : '';
  const head = '<tr>' + ['check', 'table', 'severity', 'status', 'measured', 'bound', 'message']
    .map((name) => `<th scope="col">${name}</th>`).join('') + '</tr>';
  const body = checks.map((r) => '<tr tabindex="0">' +
    [r.name, r.table, r.severity, r.status, r.measured ?? '', r.bound ?? '', r.message]
      .map((cell) => `<td>${escapeHtml(cell)}</td>`).join('') + '</tr>');
  return `<section aria-labelledby="checks"><h2 id="checks">Checks</h2>${stopped}<table>${head}${body.join('')}` +
    '</table></section>';
}

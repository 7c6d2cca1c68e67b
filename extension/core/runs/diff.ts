import type { QualityCounts, QualityReport } from './report';

/** One number of a report beside the same number of another run. */
export interface Delta {
  name: string;
  current: number;
  previous: number;
  delta: number;
}

export interface ReportDiff {
  current: string;
  previous: string;
  totals: Delta[];
  /** Every rule either run knows, largest change first. */
  rules: Delta[];
  /** Months of either run: rows read, kept and rejected each. */
  months: { month: string; read: Delta; kept: Delta; rejected: Delta }[];
}

const delta = (name: string, current: number, previous: number): Delta => ({
  name,
  current,
  previous,
  delta: current - previous,
});

const zero: QualityCounts = { rows_read: 0, rows_kept: 0, rows_rejected: 0, rejected_by_rule: {} };

function countDeltas(current: QualityCounts, previous: QualityCounts): Delta[] {
  return [
    delta('rows read', current.rows_read, previous.rows_read),
    delta('rows kept', current.rows_kept, previous.rows_kept),
    delta('rows rejected', current.rows_rejected, previous.rows_rejected),
  ];
}

/** What changed from `previous` to `current`: totals, per rule, per month. */
export function diffReports(current: QualityReport, previous: QualityReport): ReportDiff {
  const ruleNames = [...new Set([...Object.keys(current.rejected_by_rule), ...Object.keys(previous.rejected_by_rule)])];
  const rules = ruleNames
    .map((rule) => delta(rule, current.rejected_by_rule[rule] ?? 0, previous.rejected_by_rule[rule] ?? 0))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.name.localeCompare(b.name));
  const monthNames = [...new Set([...Object.keys(current.months), ...Object.keys(previous.months)])].sort();
  const months = monthNames.map((month) => {
    const [read, kept, rejected] = countDeltas(current.months[month] ?? zero, previous.months[month] ?? zero);
    return { month, read, kept, rejected };
  });
  return { current: current.run_id, previous: previous.run_id, totals: countDeltas(current, previous), rules, months };
}

/** The report run before `runId` (by start time), to compare with: undefined for the first one. */
export function previousReport(reports: QualityReport[], runId: string): QualityReport | undefined {
  const sorted = [...reports].sort((a, b) => a.started_at.localeCompare(b.started_at));
  const index = sorted.findIndex((r) => r.run_id === runId);
  return index > 0 ? sorted[index - 1] : undefined;
}

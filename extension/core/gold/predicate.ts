/** One `(…_year = Y AND …_month = M)` clause of a transform's `replaceWhere` (ints only, as the job writes it). */
const MONTH_CLAUSE = /^\(?\s*\w+_year = (\d{4}) AND \w+_month = (\d{1,2})\s*\)?$/;

/**
 * The months a commit's predicate replaced, for a sidebar line: `months 2024-01, 2024-02`, or
 * `months 2025-01..2025-12 (12)`. Any other predicate is shown as it is.
 */
export function describePredicate(predicate: string): string {
  const months: string[] = [];
  for (const clause of predicate.split(' OR ')) {
    const match = MONTH_CLAUSE.exec(clause.trim());
    if (!match) return predicate;
    months.push(`${match[1]}-${match[2].padStart(2, '0')}`);
  }
  months.sort();
  const listed = months.length <= 2 ? months.join(', ') : `${months[0]}..${months.at(-1)} (${months.length})`;
  return `${months.length === 1 ? 'month' : 'months'} ${listed}`;
}

import { CONTRACT, MONTH } from '../contract';
import { describeError, UsageError } from '../errors';

/**
 * The months a backfill processes, and where they sit on the DAG's schedule.
 *
 * dags/etl_pipeline.py runs on CronTriggerTimetable("0 0 1 * *", UTC): one run per 1st at 00:00 UTC, its
 * logical date that instant (a trigger timetable: a zero-length data interval ending at the logical date, not the
 * month before it as a CronDataIntervalTimetable would have). Its choose_month task takes the month from `conf.month`
 * when given, else from the logical date: the month PUBLICATION_LAG_MONTHS before it (src/etl/schedule.py, the TLC
 * publishes a month about two months after it ends). A backfill's `dag_run_conf` is one dict for all its runs, so
 * the month cannot come from conf: each month M is the run of logical date 1st of M + 2 months, 00:00 UTC, exactly
 * the run the schedule would have made for it.
 */

/** src/etl/schedule.py PUBLICATION_LAG_MONTHS (tests/typescript/unit/backfill.test.ts fails when they drift apart). */
export const PUBLICATION_LAG_MONTHS = 2;

/** More is a typo (2014 for 2024) more often than a wish: ten years of months, each one Spark run. */
export const MAX_BACKFILL_MONTHS = 120;

export interface MonthRange {
  /** YYYY-MM, first <= last. */
  first: string;
  last: string;
  /** Every month from first to last, in order. */
  months: string[];
}

const indexOf = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthAt = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/** `YYYY-MM..YYYY-MM` or one `YYYY-MM`: every month of it, or a usage error that says what is wrong. */
export function parseMonthRange(spec: string): MonthRange {
  const text = spec.trim();
  const example = 'for example 2024-01..2024-06, or 2024-03 for one month';
  if (!text) throw new UsageError('no months given', example);
  const ends = text.split('..').map((end) => end.trim());
  if (ends.length > 2 || ends.some((end) => !end))
    throw new UsageError(`"${spec}" is not a month range`, `write FIRST..LAST: ${example}`);
  for (const end of ends) {
    if (!MONTH.test(end)) throw new UsageError(`month "${end}" is not YYYY-MM`, example);
    if (Number(end.slice(0, 4)) < CONTRACT.month.firstYear)
      throw new UsageError(`month "${end}" is out of range`,
        `the TLC's yellow-taxi records start in ${CONTRACT.month.firstYear}-01`);
  }
  const [first, last = first] = ends;
  const count = indexOf(last) - indexOf(first) + 1;
  if (count < 1) throw new UsageError(`range "${spec}" is reversed: ${last} comes before ${first}`,
    `write the earlier month first: ${last}..${first}`);
  if (count > MAX_BACKFILL_MONTHS)
    throw new UsageError(`range "${spec}" holds ${count} months, more than ${MAX_BACKFILL_MONTHS}`,
      'split it into several backfills, one after the other');
  return { first, last, months: Array.from({ length: count }, (_, i) => monthAt(indexOf(first) + i)) };
}

/** "2024-01..2024-06", or "2024-03" for one month. */
export const rangeLabel = (range: Pick<MonthRange, 'first' | 'last'>) =>
  range.first === range.last ? range.first : `${range.first}..${range.last}`;

/** The logical date of the run that processes `month`: 1st of the month two later, 00:00 UTC (ISO 8601, Z). */
export function logicalDateOf(month: string): string {
  const index = indexOf(month) + PUBLICATION_LAG_MONTHS;
  return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1)).toISOString().replace('.000Z', 'Z');
}

/** The month a run of this logical date processes when its conf names none (what choose_month computes). */
export function monthOfLogicalDate(iso: string): string | undefined {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  return monthAt(at.getUTCFullYear() * 12 + at.getUTCMonth() - PUBLICATION_LAG_MONTHS);
}

/**
 * The backfill's window: Airflow creates a run for each logical date of the timetable with
 * from_date <= logical date <= to_date (both ends included: SerializedDAG.iter_dagrun_infos_between, with
 * CronTriggerTimetable aligning from_date to the next 1st, or keeping it when it is one). So from_date and to_date
 * are the first and last months' own logical dates, nothing around them.
 */
export function backfillWindow(range: MonthRange): { fromDate: string; toDate: string } {
  return { fromDate: logicalDateOf(range.first), toDate: logicalDateOf(range.last) };
}

/**
 * Airflow creates backfill runs only for logical dates already past (models/backfill.py `_get_info_list`; both ends
 * in the future is a 422), silently leaving out the rest: refused here instead, naming the month.
 */
export function checkBackfillable(range: MonthRange, now = new Date()): void {
  const late = range.months.find((month) => Date.parse(logicalDateOf(month)) >= now.getTime());
  if (!late) return;
  const latest = monthOfLogicalDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString());
  throw new UsageError(
    `month ${late} cannot be backfilled yet: the DAG processes it in its run of ${logicalDateOf(late).slice(0, 10)}`
      + ` (the TLC publishes a month about ${PUBLICATION_LAG_MONTHS} months after it ends)`,
    `end the range at ${latest} at the latest, or run that one month now with \`etl trigger --month ${late}\``,
  );
}

/** What is wrong with a range typed in (Trigger DAG's input box), on one line; undefined when it can be backfilled. */
export function rangeProblem(value: string, now = new Date()): string | undefined {
  try {
    checkBackfillable(parseMonthRange(value), now);
    return undefined;
  } catch (error) {
    return describeError(error).replace(/\n\s*→ /, ' — ');
  }
}

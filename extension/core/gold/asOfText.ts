import { UsageError } from '../errors';

/**
 * The as-of a user types (`etl query --as-of-version/--as-of`, Query Gold…'s "as of" inputs), checked
 * in one place. Errors are UsageErrors whose message says what is expected.
 */

/** A Delta version: a whole number from 0 (the table's creation). */
export function parseVersion(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new UsageError('a table version: a whole number from 0 (the History of a table lists them)');
  return n;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const ZONELESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * ISO 8601 with its zone (2026-12-04T08:00:00Z, …+01:00) or a date (its start, 00:00 UTC), as epoch ms.
 * A time without a zone is refused: whose local time it means would be a guess.
 */
export function parseTimestamp(value: string): number {
  const text = value.trim();
  if (!DATE.test(text) && !DATE_TIME.test(text))
    throw new UsageError(
      ZONELESS.test(text)
        ? `${text} has no time zone: add Z (UTC) or an offset, e.g. ${text}Z`
        : 'an ISO 8601 time with its zone, e.g. 2026-12-04T08:00:00Z, or a date, e.g. 2026-12-04',
    );
  const ms = Date.parse(text);
  // Date.parse rolls 2026-02-30 over to March: the day must survive a round trip.
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(ms) || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d)
    throw new UsageError(`${text} is not a real date or time`);
  return ms;
}

import { InvalidArgumentError } from 'commander';
import type { CatalogAsOf } from '../core/gold/asOf';

/** `--as-of-version N`: a Delta version, 0 being the table's creation. */
export function parseVersion(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('a table version: a whole number from 0 (the History of a table lists them)');
  return n;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `--as-of TIMESTAMP`: ISO 8601 with its zone (2026-12-04T08:00:00Z, …+01:00) or a date (its start, 00:00 UTC).
 * A time without a zone is refused: whose local time it means would be a guess. Returns epoch ms.
 */
export function parseTimestamp(value: string): number {
  const text = value.trim();
  if (!DATE.test(text) && !DATE_TIME.test(text)) {
    const zoneless = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
    throw new InvalidArgumentError(
      zoneless
        ? `${text} has no time zone: add Z (UTC) or an offset, e.g. ${text}Z`
        : 'an ISO 8601 time with its zone, e.g. 2026-12-04T08:00:00Z, or a date, e.g. 2026-12-04',
    );
  }
  const ms = Date.parse(text);
  // Date.parse rolls 2026-02-30 over to March: the day must survive a round trip.
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(ms) || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d)
    throw new InvalidArgumentError(`${text} is not a real date or time`);
  return ms;
}

export interface AsOfOptions {
  asOfRun?: string;
  asOfVersion?: number;
  asOf?: number;
}

/** The catalog's as-of from the parsed options (commander already refused more than one). */
export function asOfOf(options: AsOfOptions): CatalogAsOf | undefined {
  if (options.asOfRun !== undefined) return { run: options.asOfRun };
  if (options.asOfVersion !== undefined) return { version: options.asOfVersion };
  if (options.asOf !== undefined) return { timestamp: options.asOf };
  return undefined;
}

/** The first line on stderr: which version of each table was read, e.g. `fact_trips@v3, dim_zone@v1`. */
export const versionsLine = (versions: Map<string, number>) =>
  [...versions].map(([name, version]) => `${name}@v${version}`).join(', ');

import { InvalidArgumentError } from 'commander';
import type { CatalogAsOf } from '../core/gold/asOf';
import * as text from '../core/gold/asOfText';
import { checkRunId } from '../core/runId';

/** commander's way to refuse an argument: its message follows "argument '…' is invalid." */
const argument =
  <T>(parse: (value: string) => T) =>
  (value: string): T => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };

/** `--as-of-version N`: a Delta version, 0 being the table's creation. */
export const parseVersion = argument(text.parseVersion);
/** `--as-of TIMESTAMP`: ISO 8601 with its zone, or a date (00:00 UTC); epoch ms. */
export const parseTimestamp = argument(text.parseTimestamp);

export interface AsOfOptions {
  asOfRun?: string;
  asOfVersion?: number;
  asOf?: number;
}

/**
 * The catalog's as-of from the parsed options (commander already refused more than one). A run id names the run's
 * report object: checked here, before anything is read (not by commander, whose message would echo it raw).
 */
export function asOfOf(options: AsOfOptions): CatalogAsOf | undefined {
  if (options.asOfRun !== undefined) return { run: checkRunId(options.asOfRun, '--as-of-run') };
  if (options.asOfVersion !== undefined) return { version: options.asOfVersion };
  if (options.asOf !== undefined) return { timestamp: options.asOf };
  return undefined;
}

export { versionsLine } from '../core/gold/asOf';

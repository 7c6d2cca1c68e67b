import { Command } from 'commander';
import {
  backfillFailureSummary,
  backfillPipeline,
  NOT_CREATED,
  unsuccessfulMonths,
  type BackfillEvent,
  type BackfillResult,
} from '../core/airflow/backfill';
import { AirflowClient } from '../core/airflow/client';
import { describeChange, type TriggerRequest } from '../core/airflow/pipelineRun';
import { failureSummary, triggerPipeline, type TriggerEvent } from '../core/airflow/trigger';
import { EtlError } from '../core/errors';
import { openProject } from '../core/project';
import { usageError } from './args';

interface TriggerOptions {
  month?: string;
  months?: string;
  source?: string;
  sample?: boolean;
  /** undefined unless --wait or --no-wait is given: waiting is the default. */
  wait?: boolean;
  timeout?: string;
  json?: boolean;
}

function sourceOf(options: TriggerOptions): string | undefined {
  if (options.source && options.sample) throw usageError('give either --source or --sample, not both');
  return options.sample ? 'sample' : options.source;
}

function requestFrom(options: TriggerOptions): TriggerRequest {
  return { month: options.month, source: sourceOf(options) };
}

/** --timeout in ms, or undefined for the default (one hour per run). */
function timeoutOf(options: TriggerOptions): number | undefined {
  if (options.timeout === undefined) return undefined;
  const seconds = Number(options.timeout);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw usageError(`--timeout ${options.timeout} is not a whole number of seconds`);
  return seconds * 1000;
}

/** Ctrl-C stops the following only (the run or backfill goes on in Airflow). */
async function withSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const unpausedLine = (dagId: string) =>
  `  ${dagId} was paused: unpaused it (its schedule starts no run before the next 1st)\n`;

function printTriggerEvent(event: TriggerEvent): void {
  if (event.kind === 'unpaused') process.stderr.write(unpausedLine(event.dagId));
  else if (event.kind === 'triggered')
    process.stderr.write(`  run ${event.runId} queued ${JSON.stringify(event.conf)}\n  ${event.url}\n`);
  else if (event.kind === 'note') process.stderr.write(`  ${event.text}\n`);
  else process.stderr.write(`  ${describeChange(event.change)}\n`);
}

function printBackfillEvent(event: BackfillEvent): void {
  if (event.kind === 'unpaused') process.stderr.write(unpausedLine(event.dagId));
  else if (event.kind === 'created')
    process.stderr.write(`  backfill ${event.backfillId} created: ${event.range} (logical dates ${event.fromDate} `
      + `to ${event.toDate}) ${JSON.stringify(event.conf)}\n  ${event.url}\n`);
  else if (event.kind === 'note') process.stderr.write(`  ${event.text}\n`);
  else {
    const { month } = event;
    process.stderr.write(`  ${month.month} ${month.state}${month.runId ? ` (run ${month.runId})` : ''}\n`);
  }
}

/** `etl trigger --months RANGE`: one backfill of the range; exit 1 when any month did not succeed, naming which. */
async function backfill(options: TriggerOptions): Promise<void> {
  if (options.month) throw usageError('give either --month (one run now) or --months (a backfill), not both');
  const source = sourceOf(options);
  const timeoutMs = timeoutOf(options);
  const client = AirflowClient.of(openProject());
  const result: BackfillResult = await withSigint((signal) =>
    backfillPipeline(client, { months: options.months as string, source }, {
      noWait: options.wait === false, timeoutMs, signal, onEvent: printBackfillEvent,
    }));
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!result.completed) {
    if (!options.json) process.stdout.write(`backfill ${result.backfillId}: ${result.months.length} months queued\n`);
    return;
  }
  const missed = unsuccessfulMonths(result);
  if (missed.length) {
    const which = missed.map((m) => `${m.month} (${m.state === NOT_CREATED ? 'no run' : m.state})`).join(', ');
    throw new EtlError(
      `backfill ${result.backfillId}: ${missed.length} of ${result.months.length} months did not succeed: ${which}\n`
        + `${await backfillFailureSummary(client, result)}`,
      `see ${result.url}; the other months ran all the same. Once fixed, run those months again with `
        + '`etl trigger --months …` (months that succeeded are run again too when inside the range)',
    );
  }
  if (!options.json)
    process.stdout.write(`backfill ${result.backfillId}: all ${result.months.length} months succeeded\n`);
}

/** `etl trigger`: one run now (today's behaviour), or a backfill of a month range with --months. */
async function trigger(options: TriggerOptions): Promise<void> {
  const timeoutMs = timeoutOf(options);
  const request = requestFrom(options);
  const client = AirflowClient.of(openProject());
  const result = await withSigint((signal) => triggerPipeline(client, request, {
    noWait: options.wait === false, timeoutMs, signal, onEvent: printTriggerEvent,
  }));
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (result.state === 'failed')
    throw new EtlError(`run ${result.runId} failed\n${await failureSummary(client, result)}`, `see ${result.url}`);
  if (!options.json) process.stdout.write(`run ${result.runId}: ${result.state}\n`);
}

/**
 * `etl trigger`: runs the etl_pipeline DAG through Airflow's REST API and prints each task's state as it changes;
 * with --months, asks Airflow for a backfill (one run per month) and prints each month's state.
 */
export function registerTriggerCommand(program: Command): void {
  program
    .command('trigger')
    .description('trigger the etl_pipeline Airflow DAG (extract >> clean_and_transform) and follow its tasks; '
      + 'with --months, backfill a range of months (one DAG run per month) and follow each month')
    .option('--month <YYYY-MM>', 'month to process (default: the latest the TLC has published)')
    .option('--months <RANGE>', 'backfill YYYY-MM..YYYY-MM (or one YYYY-MM) through Airflow\'s backfill API: one '
      + 'run per month, one at a time; a month that fails stops no other')
    .option('--source <template>', 'trip file URL template with {YYYY} and {MM}')
    .option('--sample', 'use the committed sample in Data_extracted/')
    .option('--wait', 'follow the run (or each month of the backfill) to its end (the default)')
    .option('--no-wait', 'return once the run (or the backfill) is queued')
    .option('--timeout <seconds>', 'stop following after this long, the run goes on (default: 3600 per run)')
    .option('--json', 'print the result (run, or backfill and its months) as one JSON document on stdout')
    .action(async (options: TriggerOptions) => {
      if (options.months !== undefined) await backfill(options);
      else await trigger(options);
    });
}

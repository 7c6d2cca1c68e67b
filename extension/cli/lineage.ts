import { Command } from 'commander';
import { UsageError } from '../core/errors';
import { latestComplete, lineageDir } from '../core/lineage/events';
import { formatColumnTrace, formatTableTrace } from '../core/lineage/format';
import { readSourceRow, sourceRowJson, sourceRowText } from '../core/lineage/sourceRow';
import { traceColumn, traceTable } from '../core/lineage/trace';
import { openProject } from '../core/project';
import { s3Client } from '../core/s3/client';

/** `etl lineage TABLE[.COLUMN]`: from the transform's OpenLineage events (src/etl/lineage), no service needed. */
export function registerLineageCommand(program: Command): void {
  program
    .command('lineage')
    .description(
      'where a gold table or column comes from (the raw objects and columns, the line of code that defines it) ' +
        'and which gold tables read it, from the last completed transform run',
    )
    .argument('<target>', 'TABLE or TABLE.COLUMN, e.g. fact_trips.speed_mph (quarantine_rejected_trips: its SQL name)')
    .option('--json', 'print the lineage as JSON')
    .action(async (target: string, options: { json?: boolean }) => {
      const config = openProject();
      const dir = lineageDir(config.paths);
      const latest = await latestComplete(dir);
      if (!latest)
        throw new UsageError(
          `no completed transform run has left lineage in ${dir}`,
          'run the transform (`etl transform`, or `etl pipeline`), then ask again',
        );
      for (const file of latest.skipped) process.stderr.write(`warning: ${file} is not a lineage event; skipped\n`);
      const [table, column] = splitTarget(target);
      const trace = column ? traceColumn(latest.event, table, column) : traceTable(latest.event, table);
      if (options.json) {
        const { run, eventTime } = latest.event;
        process.stdout.write(`${JSON.stringify({ run, eventTime, trace })}\n`);
        return;
      }
      const text =
        'column' in trace ? formatColumnTrace(trace, latest.event) : formatTableTrace(trace, latest.event);
      process.stdout.write(`${text}\n`);
    });
}

/** `etl source-row PATH INDEX`: the raw row a fact_trips or quarantine row came from (its source_path, source_row). */
export function registerSourceRowCommand(program: Command): void {
  program
    .command('source-row')
    .description('the raw row of a trip file that a fact_trips or quarantine row came from (row provenance)')
    .argument('<path>', "the row's source_path, e.g. s3a://rawzone/yellow_tripdata/year=2024/month=01/….parquet")
    .argument('<index>', "the row's source_row: its index in that file, from 0")
    .option('--json', 'print the row as JSON')
    .action(async (path: string, index: string, options: { json?: boolean }) => {
      if (!/^\d+$/.test(index)) throw new UsageError(`${JSON.stringify(index)} is not a row index`, 'give source_row: 0, 1, 2, …');
      const source = await readSourceRow(s3Client(openProject()), { path, index: Number(index) });
      process.stdout.write(options.json ? `${sourceRowJson(source)}\n` : sourceRowText(source));
    });
}

/** `fact_trips.speed_mph` → [fact_trips, speed_mph]; `quarantine/rejected_trips.reject_rule` too. */
function splitTarget(target: string): [string, string | undefined] {
  const dot = target.lastIndexOf('.');
  if (!target.trim() || dot === 0 || dot === target.length - 1)
    throw new UsageError(`${JSON.stringify(target)} is not TABLE or TABLE.COLUMN`, 'e.g. fact_trips.speed_mph');
  return dot < 0 ? [target, undefined] : [target.slice(0, dot), target.slice(dot + 1)];
}

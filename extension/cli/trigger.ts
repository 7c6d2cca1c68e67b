import { Command } from 'commander';
import { AirflowClient } from '../core/airflow/client';
import { describeChange, type TriggerRequest } from '../core/airflow/pipelineRun';
import { failureSummary, triggerPipeline } from '../core/airflow/trigger';
import { EtlError } from '../core/errors';
import { openProject } from '../core/project';
import { usageError } from './args';

interface TriggerOptions {
  month?: string;
  source?: string;
  sample?: boolean;
  wait: boolean;
  timeout: string;
}

function requestFrom(options: TriggerOptions): TriggerRequest {
  if (options.source && options.sample) throw usageError('give either --source or --sample, not both');
  return { month: options.month, source: options.sample ? 'sample' : options.source };
}

/** `etl trigger`: runs the etl_pipeline DAG through Airflow's REST API and prints each task's state as it changes. */
export function registerTriggerCommand(program: Command): void {
  program
    .command('trigger')
    .description('trigger the etl_pipeline Airflow DAG (extract >> clean_and_transform) and follow its tasks')
    .option('--month <YYYY-MM>', 'month to process (default: the latest the TLC has published)')
    .option('--source <template>', 'trip file URL template with {YYYY} and {MM}')
    .option('--sample', 'use the committed sample in Data_extracted/')
    .option('--no-wait', 'return once the run is queued')
    .option('--timeout <seconds>', 'stop following after this long (the run goes on)', '3600')
    .action(async (options: TriggerOptions) => {
      const timeoutSeconds = Number(options.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
        throw usageError(`--timeout ${options.timeout} is not a whole number of seconds`);
      const client = AirflowClient.of(openProject());
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const result = await triggerPipeline(client, requestFrom(options), {
          noWait: !options.wait,
          timeoutMs: timeoutSeconds * 1000,
          signal: controller.signal,
          onEvent: (event) => {
            if (event.kind === 'unpaused')
              process.stderr.write(
                `  ${event.dagId} was paused: unpaused it (its schedule starts no run before the next 1st)\n`,
              );
            else if (event.kind === 'triggered')
              process.stderr.write(`  run ${event.runId} queued ${JSON.stringify(event.conf)}\n  ${event.url}\n`);
            else process.stderr.write(`  ${describeChange(event.change)}\n`);
          },
        });
        if (result.state === 'failed')
          throw new EtlError(
            `run ${result.runId} failed\n${await failureSummary(client, result)}`,
            `see ${result.url}`,
          );
        process.stdout.write(`run ${result.runId}: ${result.state}\n`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

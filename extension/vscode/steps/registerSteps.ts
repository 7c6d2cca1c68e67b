import * as vscode from 'vscode';
import type { ExtractRequest } from '../../core/extract/run';
import type { S3Credentials } from '../../core/s3/client';
import type { TransformRequest } from '../../core/transform/run';
import type { BackfillRequest } from '../../core/airflow/backfill';
import type { TriggerRequest } from '../../core/airflow/pipelineRun';
import { CodeError } from '../../core/errors';
import { CodeProblems, showCodeProblem } from '../common/codeProblems';
import { reportError } from '../common/notify';
import type { EtlServices } from '../common/services';
import { extractCommand } from './extractCommand';
import { runPipelineCommand } from './runPipeline';
import { setCredentialsCommand } from './setCredentials';
import { registerDebugLaunches } from './debugLaunches';
import { registerTaskProvider } from './taskProvider';
import { transformCommand } from './transformCommand';
import { triggerDagCommand } from './triggerDagCommand';

/** The Problems panel's owner of the steps' code errors (the `$etlSpark` problem matcher's owner too). */
export const STEP_PROBLEMS = 'etlSpark';

export function registerSteps(context: vscode.ExtensionContext, services: EtlServices): CodeProblems {
  const problems = new CodeProblems(STEP_PROBLEMS, 'ETL');
  // These return their result (tasks and tests use it) and report errors themselves. `source`: a step that runs the
  // project's code, whose fault goes to the Problems panel at its file and line (its next run clears it).
  const returning =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>, source?: string) =>
    async (...args: A): Promise<R | undefined> => {
      if (source) problems.clear();
      try {
        return await fn(...args);
      } catch (error) {
        if (!(error instanceof CodeError) || !source) reportError(services, error);
        else showCodeProblem(services, problems, { message: error.problem, file: error.file, line: error.line, source },
          source, error);
        return undefined;
      }
    };
  context.subscriptions.push(
    vscode.commands.registerCommand(
      'etlSpark.extract',
      returning((request?: ExtractRequest) => extractCommand(services, request), 'ETL: Extract'),
    ),
    vscode.commands.registerCommand(
      'etlSpark.transform',
      returning((request?: TransformRequest) => transformCommand(services, request), 'ETL: Transform'),
    ),
    vscode.commands.registerCommand(
      'etlSpark.triggerDag',
      returning((request?: TriggerRequest | BackfillRequest) => triggerDagCommand(services, request)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.runPipeline',
      returning((months?: string) => runPipelineCommand(services, months), 'ETL: Run Pipeline'),
    ),
    vscode.commands.registerCommand(
      'etlSpark.setCredentials',
      returning((given?: S3Credentials | null) => setCredentialsCommand(services, given)),
    ),
  );
  context.subscriptions.push(problems);
  registerTaskProvider(context, problems);
  registerDebugLaunches(context);
  return problems;
}

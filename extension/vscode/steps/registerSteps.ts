import * as vscode from 'vscode';
import type { ExtractRequest } from '../../core/extract/run';
import type { S3Credentials } from '../../core/s3/client';
import type { TransformRequest } from '../../core/transform/run';
import type { BackfillRequest } from '../../core/airflow/backfill';
import type { TriggerRequest } from '../../core/airflow/pipelineRun';
import { reportError } from '../common/notify';
import type { EtlServices } from '../common/services';
import { extractCommand } from './extractCommand';
import { runPipelineCommand } from './runPipeline';
import { setCredentialsCommand } from './setCredentials';
import { registerTaskProvider } from './taskProvider';
import { transformCommand } from './transformCommand';
import { triggerDagCommand } from './triggerDagCommand';

export function registerSteps(context: vscode.ExtensionContext, services: EtlServices): void {
  // These return their result (tasks and tests use it) and report errors themselves.
  const returning =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (error) {
        reportError(services, error);
        return undefined;
      }
    };
  context.subscriptions.push(
    vscode.commands.registerCommand(
      'etlSpark.extract',
      returning((request?: ExtractRequest) => extractCommand(services, request)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.transform',
      returning((request?: TransformRequest) => transformCommand(services, request)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.triggerDag',
      returning((request?: TriggerRequest | BackfillRequest) => triggerDagCommand(services, request)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.runPipeline',
      returning((months?: string) => runPipelineCommand(services, months)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.setCredentials',
      returning((given?: S3Credentials | null) => setCredentialsCommand(services, given)),
    ),
  );
  registerTaskProvider(context);
}

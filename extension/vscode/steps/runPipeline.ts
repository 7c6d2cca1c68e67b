import * as vscode from 'vscode';
import { runPipeline, SAMPLE_MONTHS } from '../../core/pipeline/run';
import type { EtlServices } from '../common/services';
import { startStack } from '../stack/startStack';
import { extractCommand } from './extractCommand';
import { transformCommand } from './transformCommand';

/**
 * ETL: Run Pipeline — the core pipeline (extension/core/pipeline, also `etl pipeline`) with the
 * extension's own steps: Start Stack, Extract (the sample months by default), then Transform of that run.
 */
export async function runPipelineCommand(services: EtlServices, months = SAMPLE_MONTHS): Promise<boolean> {
  const result = await runPipeline({ months, source: { sample: true } }, {
    startStack: () => startStack(services),
    extract: (request) => extractCommand(services, request),
    transform: async (request) => ((await transformCommand(services, request)) ? true : undefined),
  });
  if (result) void vscode.window.showInformationMessage('ETL: pipeline finished');
  return result !== undefined;
}

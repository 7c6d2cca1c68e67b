import * as vscode from 'vscode';
import type { EtlServices } from '../common/services';
import { startStack } from '../stack/startStack';
import { DEFAULT_MONTHS, extractCommand } from './extractCommand';
import { transformCommand } from './transformCommand';

/** ETL: Run Pipeline — stack up, extract (the sample months by default), then transform. */
export async function runPipelineCommand(services: EtlServices, months = DEFAULT_MONTHS): Promise<boolean> {
  if (!(await startStack(services))) return false;
  const extracted = await extractCommand(services, { months, source: { sample: true } });
  if (!extracted) return false;
  const transformed = await transformCommand(services, { run: extracted.runId });
  if (transformed) void vscode.window.showInformationMessage('ETL: pipeline finished');
  return transformed;
}

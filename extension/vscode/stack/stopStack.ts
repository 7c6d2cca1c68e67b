import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { down } from '../../core/stack/stack';
import { outputReporter, workspaceProject } from './project';

export async function stopStack(output: vscode.LogOutputChannel): Promise<void> {
  try {
    const stopped = await down(workspaceProject(), outputReporter(output));
    vscode.window.showInformationMessage(stopped.length ? `ETL: stopped ${stopped.join(', ')}` : 'ETL: nothing was running');
  } catch (error) {
    vscode.window.showErrorMessage(`ETL: ${describeError(error)}`);
  }
}

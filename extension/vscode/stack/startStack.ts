import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { up } from '../../core/stack/stack';
import { outputReporter, workspaceProject } from './project';

export async function startStack(output: vscode.LogOutputChannel): Promise<void> {
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'ETL: starting the stack' }, (progress) =>
      up(workspaceProject(), outputReporter(output, progress)),
    );
    vscode.window.showInformationMessage('ETL stack is up.');
  } catch (error) {
    output.error(describeError(error));
    vscode.window.showErrorMessage(`ETL: ${describeError(error)}`);
  }
}

import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { formatStatusTable } from '../../core/format';
import { status } from '../../core/stack/stack';
import { workspaceProject } from './project';

export async function showStatus(output: vscode.LogOutputChannel): Promise<void> {
  try {
    output.info(`\n${formatStatusTable(await status(workspaceProject()))}`);
    output.show(true);
  } catch (error) {
    vscode.window.showErrorMessage(`ETL: ${describeError(error)}`);
  }
}

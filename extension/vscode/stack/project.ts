import * as vscode from 'vscode';
import type { EtlConfig } from '../../core/config';
import { openProject } from '../../core/project';
import type { Reporter } from '../../core/reporter';

/** The ETL project of the first workspace folder. */
export function workspaceProject(): EtlConfig {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('open the ETL Spark project folder first');
  return openProject(folder.uri.fsPath);
}

export function outputReporter(
  output: vscode.LogOutputChannel,
  progress?: vscode.Progress<{ message?: string }>,
): Reporter {
  return {
    step: (message) => {
      output.info(message);
      progress?.report({ message });
    },
    detail: (message) => output.debug(message),
  };
}

import * as vscode from 'vscode';
import type { EtlConfig } from '../../core/config';
import { findProjectRoot } from '../../core/paths';
import { openProject } from '../../core/project';
import type { Reporter } from '../../core/reporter';

function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('open the ETL Spark project folder first');
  return folder.uri.fsPath;
}

/** The ETL project of the first workspace folder; `env` (default: the process's) is what the core reads. */
export function workspaceProject(env: NodeJS.ProcessEnv = process.env): EtlConfig {
  return openProject(workspaceFolder(), env);
}

/** The project's root folder, without reading its configuration (which may be what is broken). */
export function workspaceRoot(): string {
  return process.env.ETL_PROJECT_ROOT || findProjectRoot(workspaceFolder());
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

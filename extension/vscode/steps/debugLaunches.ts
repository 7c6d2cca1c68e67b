import * as vscode from 'vscode';
import { etlDebugLaunches } from '../../core/logs/debugLaunch';

/**
 * "ETL: extract (sample)" and "ETL: transform" in Run and Debug's Python Debugger list. Dynamic, not contributed
 * snippets: VS Code asks only when the Python Debugger (debugpy) is installed, so ETL Spark needs no
 * extensionDependencies and activates where that extension is missing (offline machines, our own CI).
 */
export function registerDebugLaunches(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(
      'debugpy',
      {
        provideDebugConfigurations: (folder) =>
          folder ? (etlDebugLaunches(folder.uri.fsPath) as vscode.DebugConfiguration[]) : [],
      },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
  );
}

import * as vscode from 'vscode';
import { showStatus } from './showStatus';
import { startStack } from './startStack';
import { stopStack } from './stopStack';

export function registerStackCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('etl.startStack', () => startStack(output)),
    vscode.commands.registerCommand('etl.stopStack', () => stopStack(output)),
    vscode.commands.registerCommand('etl.showStatus', () => showStatus(output)),
  );
}

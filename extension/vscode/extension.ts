import * as vscode from 'vscode';
import { registerStackCommands } from './stack/registerStack';

/** Only wiring: each area registers its own commands and views. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('ETL', { log: true });
  context.subscriptions.push(output);
  registerStackCommands(context, output);
}

export function deactivate(): void {}

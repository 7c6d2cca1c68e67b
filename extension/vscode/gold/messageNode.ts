import * as vscode from 'vscode';

/** A line in place of the tables: why they cannot be read, with what to do. Clicking retries. */
export class MessageNode extends vscode.TreeItem {
  readonly kind = 'goldMessage';
  constructor(message: string, hint?: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.description = hint;
    this.tooltip = hint ? `${message}\n${hint}` : message;
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    this.contextValue = 'etlSpark.gold.error';
    this.command = { command: 'etlSpark.refresh', title: 'Retry' };
  }
}

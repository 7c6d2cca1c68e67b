import * as vscode from 'vscode';

/** A line of a run's details: a table it wrote, a group heading, a note. */
export class DetailNode extends vscode.TreeItem {
  readonly kind = 'detail';
  constructor(
    label: string,
    description: string,
    icon: string,
    id: string,
    readonly children: vscode.TreeItem[] = [],
  ) {
    super(label, children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = 'etlSpark.runs.detail';
    this.id = id;
  }
}

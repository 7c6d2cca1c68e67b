import * as vscode from 'vscode';
import { runOfCommit, type DeltaCommit } from '../../core/gold/deltaLog';
import { describePredicate } from '../../core/gold/predicate';

/** Which run made a commit (commitInfo.userMetadata names it), else unknown. */
export const writtenBy = (commit: DeltaCommit) => runOfCommit(commit) ?? 'an unnamed writer';

/** Local time of a commit, to the second; the log's epoch ms in the tooltip. */
export const commitWhen = (commit: DeltaCommit) =>
  commit.timestamp === undefined ? 'at an unknown time' : new Date(commit.timestamp).toLocaleString('sv-SE');

/** One version of the table's history: when, what, how many rows, by which run. */
export class VersionNode extends vscode.TreeItem {
  readonly kind = 'goldVersion';
  constructor(
    readonly root: string,
    readonly commit: DeltaCommit,
  ) {
    super(`${commitWhen(commit)} — ${commit.operation ?? 'commit'}`, vscode.TreeItemCollapsibleState.None);
    const rows =
      commit.rowsWritten === undefined ? undefined : `${commit.rowsWritten.toLocaleString('en-US')} rows written`;
    const replaced = commit.predicate ? describePredicate(commit.predicate) : undefined;
    const schema = commit.schemaChanges?.length ? `schema: ${commit.schemaChanges.join(', ')}` : undefined;
    this.description = [`v${commit.version}`, replaced, rows, writtenBy(commit), schema].filter(Boolean).join(' · ');
    this.tooltip = [
      `version ${commit.version} (${commit.timestamp ?? '?'} ms)`,
      `${commit.operation ?? 'commit'}${commit.predicate ? ` where ${commit.predicate}` : ''}`,
      `+${commit.filesAdded} / −${commit.filesRemoved} file(s)`,
      `run: ${writtenBy(commit)}`,
      ...(commit.schemaChanges?.length ? ['schema changes:', ...commit.schemaChanges.map((c) => `  ${c}`)] : []),
    ].join('\n');
    this.iconPath = new vscode.ThemeIcon('git-commit');
    this.contextValue = 'etlSpark.gold.version';
    this.id = `gold:${root}:version:${commit.version}`;
  }
}

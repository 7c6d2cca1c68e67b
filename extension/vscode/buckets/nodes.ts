import * as vscode from 'vscode';
import { formatBytes } from '../../core/extract/events';
import type { ObjectEntry } from '../../core/s3/listing';
import { baseName, s3aPath } from '../../core/s3/paths';

/** A bucket (rawzone, gold): expands into its top-level prefixes and objects. */
export class BucketNode extends vscode.TreeItem {
  readonly kind = 'bucket';
  readonly prefix = '';
  constructor(readonly bucket: string) {
    super(bucket, vscode.TreeItemCollapsibleState.Collapsed);
    this.iconPath = new vscode.ThemeIcon('database');
    this.contextValue = 'etlSpark.s3.bucket';
    this.id = `s3:${bucket}/`;
    this.tooltip = `s3a://${bucket}/`;
  }
}

export class PrefixNode extends vscode.TreeItem {
  readonly kind = 'prefix';
  constructor(readonly bucket: string, readonly prefix: string, filter?: string) {
    super(baseName(prefix), vscode.TreeItemCollapsibleState.Collapsed);
    this.iconPath = vscode.ThemeIcon.Folder;
    this.contextValue = 'etlSpark.s3.prefix';
    this.id = `s3:${bucket}/${prefix}`;
    this.tooltip = s3aPath({ bucket, key: prefix });
    if (filter) this.description = `filter: ${filter}*`;
  }
}

export class ObjectNode extends vscode.TreeItem {
  readonly kind = 'object';
  readonly key: string;
  /** superseded: a data file of a Delta table that its current snapshot no longer (or never) includes. */
  constructor(readonly bucket: string, entry: ObjectEntry, readonly superseded = false) {
    super(baseName(entry.key), vscode.TreeItemCollapsibleState.None);
    this.key = entry.key;
    const modified = entry.lastModified.toISOString().replace('T', ' ').slice(0, 16);
    this.description = `${formatBytes(entry.size)} · ${modified}${superseded ? ' · not in the Delta snapshot' : ''}`;
    this.tooltip = `${s3aPath({ bucket, key: entry.key })}\n${entry.size} bytes, modified ` +
      `${entry.lastModified.toISOString()}`;
    this.resourceUri = vscode.Uri.from({ scheme: 'etl-spark-s3', path: `/${bucket}/${entry.key}` });
    this.contextValue = 'etlSpark.s3.object';
    this.id = `s3:${bucket}/${entry.key}`;
    this.command = { command: 'etlSpark.buckets.preview', title: 'Preview', arguments: [this] };
  }
}

/** "Load more…": the next page of a large prefix. */
export class LoadMoreNode extends vscode.TreeItem {
  readonly kind = 'more';
  constructor(readonly parent: BucketNode | PrefixNode, readonly loaded: number) {
    super('Load more…', vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('ellipsis');
    this.description = `${loaded} shown`;
    this.contextValue = 'etlSpark.s3.more';
    this.command = { command: 'etlSpark.buckets.loadMore', title: 'Load more', arguments: [this] };
  }
}

/** A failed listing: the error, the endpoint, and Retry — never an exception in the view. */
export class S3ErrorNode extends vscode.TreeItem {
  readonly kind = 'error';
  constructor(message: string, hint: string | undefined, readonly parent?: BucketNode | PrefixNode) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    this.description = 'Retry';
    this.tooltip = hint ? `${message}\n→ ${hint}` : message;
    this.contextValue = 'etlSpark.s3.error';
    this.command = { command: 'etlSpark.buckets.retry', title: 'Retry', arguments: [this] };
  }
}

/** What to do about an external S3 that fails, on a row of its own under the error (a tooltip is easy to miss). */
export class HintNode extends vscode.TreeItem {
  readonly kind = 'hint';
  constructor(hint: string) {
    super(hint, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('lightbulb');
    this.tooltip = hint;
  }
}

export type BucketItem = BucketNode | PrefixNode | ObjectNode | LoadMoreNode | S3ErrorNode | HintNode;
export type Container = BucketNode | PrefixNode;

import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { previewObject, PreviewTooLarge } from '../../core/s3/preview';
import type { BucketsTreeProvider } from './bucketsTree';

export const S3_SCHEME = 'etl-spark-s3';

/** etl-spark-s3:/bucket/key[?force] → the object; `force` skips the size limit (the user said yes). */
export function objectUri(bucket: string, key: string, force = false): vscode.Uri {
  return vscode.Uri.from({ scheme: S3_SCHEME, path: `/${bucket}/${key}`, query: force ? 'force' : '' });
}

export function parseObjectUri(uri: vscode.Uri): { bucket: string; key: string; force: boolean } {
  const [, bucket, ...rest] = uri.path.split('/');
  return { bucket, key: rest.join('/'), force: uri.query === 'force' };
}

/**
 * Read-only previews of MinIO objects in normal editors: text, JSON and CSV as
 * they are, Parquet as its schema and first rows (core/s3/preview).
 */
export class S3PreviewFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(private readonly tree: BucketsTreeProvider) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const content = await this.content(uri);
    return {
      type: vscode.FileType.File,
      ctime: 0,
      mtime: 0,
      size: content.byteLength,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.content(uri);
  }

  private async content(uri: vscode.Uri): Promise<Uint8Array> {
    const cached = this.cache.get(uri.toString());
    if (cached) return cached;
    const { bucket, key, force } = parseObjectUri(uri);
    const { client } = await this.tree.client();
    try {
      const bytes = new TextEncoder().encode(await previewObject(client, bucket, key, { force }));
      this.cache.set(uri.toString(), bytes);
      return bytes;
    } catch (error) {
      if (error instanceof PreviewTooLarge) throw vscode.FileSystemError.NoPermissions(`${key}: ${error.message}`);
      throw vscode.FileSystemError.Unavailable(`${key}: ${describeError(error)}`);
    }
  }

  readDirectory(): never {
    throw vscode.FileSystemError.NoPermissions('previews are files only');
  }
  createDirectory(): never {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  writeFile(): never {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  delete(): never {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  rename(): never {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
}

import { EtlError } from '../errors';

export interface ObjectRef {
  bucket: string;
  key: string;
}

export const s3aPath = (ref: ObjectRef) => `s3a://${ref.bucket}/${ref.key}`;

export function parseS3aPath(path: string): ObjectRef {
  const match = /^s3a?:\/\/([^/]+)\/(.*)$/.exec(path);
  if (!match) throw new EtlError(`not an s3a:// path: ${path}`, 'write it as s3a://bucket/key');
  return { bucket: match[1], key: match[2] };
}

/**
 * Why a key given as input is not sent to S3, or undefined when it can be: a `.` or `..` segment (MinIO and a
 * proxy may resolve it to another object), a leading `/` or a backslash (the same, on some servers), a control
 * character (it would reach logs and terminals as it is).
 */
export function unsafeKeyReason(key: string): string | undefined {
  if ([...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return 'it holds a control character';
  if (key.startsWith('/') || key.includes('\\')) return 'it starts with / or holds a backslash';
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) return 'it has a . or .. segment';
  return undefined;
}

/** The last path segment of a key or prefix ("a/b/" → "b/", "a/b.csv" → "b.csv"). */
export function baseName(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  const name = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return keyOrPrefix.endsWith('/') ? `${name}/` : name;
}

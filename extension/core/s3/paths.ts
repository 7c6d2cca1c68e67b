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

/** The last path segment of a key or prefix ("a/b/" → "b/", "a/b.csv" → "b.csv"). */
export function baseName(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  const name = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return keyOrPrefix.endsWith('/') ? `${name}/` : name;
}

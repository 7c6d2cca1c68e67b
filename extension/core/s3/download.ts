import { mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Client } from 'minio';
import { EtlError } from '../errors';
import { listAllKeys } from './listing';

/**
 * Where an object lands under `targetDir`. Object keys are untrusted: a key with
 * `..` segments, a leading `/`, a backslash or a NUL could write outside the
 * folder, so those are refused instead of "cleaned".
 */
export function safeLocalPath(targetDir: string, key: string, stripPrefix = ''): string {
  const relativeKey = key.startsWith(stripPrefix) ? key.slice(stripPrefix.length) : key;
  const segments = relativeKey.split('/');
  const bad =
    !relativeKey ||
    isAbsolute(relativeKey) ||
    relativeKey.includes('\\') ||
    relativeKey.includes('\0') ||
    segments.some((s) => s === '..' || s === '.');
  if (bad)
    throw new EtlError(
      `refusing to download object key "${key}": it would not stay inside ${targetDir}`,
      'rename the object in MinIO',
    );
  const root = resolve(targetDir);
  const target = resolve(root, ...segments.filter(Boolean));
  const rel = relative(root, target);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new EtlError(
      `refusing to download object key "${key}": it would not stay inside ${targetDir}`,
      'rename the object in MinIO',
    );
  }
  return target;
}

export async function downloadObject(
  client: Client,
  bucket: string,
  key: string,
  targetDir: string,
  stripPrefix = '',
): Promise<string> {
  const target = safeLocalPath(targetDir, key, stripPrefix);
  mkdirSync(join(target, '..'), { recursive: true });
  await client.fGetObject(bucket, key, target);
  return target;
}

/** Downloads everything under `prefix`, keeping the layout below it; checks every key before writing any. */
export async function downloadPrefix(
  client: Client,
  bucket: string,
  prefix: string,
  targetDir: string,
  onFile?: (path: string) => void,
): Promise<string[]> {
  const entries = await listAllKeys(client, bucket, prefix);
  const keys = entries.map((e) => e.key).filter((k) => !k.endsWith('/'));
  const strip = prefix.endsWith('/') ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
  for (const key of keys) safeLocalPath(targetDir, key, strip);
  const written: string[] = [];
  for (const key of keys) {
    const path = await downloadObject(client, bucket, key, targetDir, strip);
    written.push(path);
    onFile?.(path);
  }
  return written;
}

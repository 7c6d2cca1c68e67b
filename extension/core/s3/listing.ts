import type { Client } from 'minio';

export interface ObjectEntry {
  key: string;
  size: number;
  lastModified: Date;
}

/** One page of a "folder": sub-prefixes and objects directly under `prefix`. */
export interface ListingPage {
  prefixes: string[];
  objects: ObjectEntry[];
  /** Pass back to get the next page; undefined on the last one. */
  nextToken?: string;
}

export const DEFAULT_PAGE_SIZE = 500;

/**
 * Kept out of the Buckets view: `_etl/` holds the store's identity marker (src/etl/store_identity.py), which
 * nothing should open or delete by hand (a new one makes every earlier run another store's).
 */
export const HIDDEN_PREFIXES = ['_etl/'];

/**
 * A single ListObjectsV2 request (delimiter "/"), so a prefix of 100,000 objects
 * costs one round trip per page instead of a full listing.
 * `filter` narrows to names starting with it inside the folder.
 */
export async function listPage(
  client: Client,
  bucket: string,
  prefix: string,
  options: { token?: string; pageSize?: number; filter?: string } = {},
): Promise<ListingPage> {
  const result = await client.listObjectsV2Query(
    bucket,
    prefix + (options.filter ?? ''),
    options.token ?? '',
    '/',
    options.pageSize ?? DEFAULT_PAGE_SIZE,
    '',
  );
  const page: ListingPage = { prefixes: [], objects: [] };
  for (const item of result.objects) {
    if (item.prefix && HIDDEN_PREFIXES.includes(item.prefix)) continue;
    if (item.prefix) page.prefixes.push(item.prefix);
    else if (item.name) page.objects.push({ key: item.name, size: item.size, lastModified: item.lastModified });
  }
  if (result.isTruncated && result.nextContinuationToken) page.nextToken = result.nextContinuationToken;
  return page;
}

/** Every object key under a prefix, recursively (for downloading a whole prefix). */
export async function listAllKeys(client: Client, bucket: string, prefix: string): Promise<ObjectEntry[]> {
  const entries: ObjectEntry[] = [];
  let token = '';
  do {
    const result = await client.listObjectsV2Query(bucket, prefix, token, '', 1000, '');
    for (const item of result.objects)
      if (item.name) entries.push({ key: item.name, size: item.size, lastModified: item.lastModified });
    token = result.isTruncated ? result.nextContinuationToken : '';
  } while (token);
  return entries;
}

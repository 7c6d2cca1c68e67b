import type { Client } from 'minio';
import type { Readable } from 'node:stream';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Bytes [offset, offset+length) of an object (a ranged GET: no full download). */
export async function readRange(
  client: Client,
  bucket: string,
  key: string,
  offset: number,
  length: number,
): Promise<Buffer> {
  if (length <= 0) return Buffer.alloc(0);
  return collect(await client.getPartialObject(bucket, key, offset, length));
}

export async function readObject(client: Client, bucket: string, key: string): Promise<Buffer> {
  return collect(await client.getObject(bucket, key));
}

export async function objectSize(client: Client, bucket: string, key: string): Promise<number> {
  return (await client.statObject(bucket, key)).size;
}

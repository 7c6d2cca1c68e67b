import { createServer } from 'node:net';
import { execa } from 'execa';

/** True when nothing listens on host:port (we can bind it ourselves). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** "minio (pid 123)" for whoever listens on the port, when `ss` can tell. */
export async function portOwner(port: number): Promise<string | undefined> {
  const result = await execa('ss', ['-Hltnp', `sport = :${port}`], { reject: false });
  const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(String(result.stdout ?? ''));
  return match ? `${match[1]} (pid ${match[2]})` : undefined;
}

import { EtlError } from '../../errors';
import type { ComposeService } from './services';

/**
 * "Bind for 127.0.0.1:9000 failed: port is already allocated" / "listen tcp4 127.0.0.1:9000: bind: address already in
 * use".
 */
const PORT_TAKEN = /(?:Bind for|listen tcp[46]?) \S*?:(\d+)(?: failed|: bind)/;
const BUILD_FAILED =
  /failed to solve|failed to build|did not complete successfully|error building|failed to compute cache key/i;

/**
 * Why `docker compose up` failed, in terms of the project: a port and its .env key, the build's last lines, or
 * compose's own.
 */
export function explainUpFailure(tail: string[], services: ComposeService[]): EtlError {
  const text = tail.join('\n');
  const port = PORT_TAKEN.exec(text)?.[1];
  if (port) {
    const owner = services
      .flatMap((s) => s.ports.map((p) => ({ ...p, title: s.title })))
      .find((p) => p.port === Number(port));
    const what = owner ? `${owner.title}'s port ${port} (${owner.setting})` : `port ${port}`;
    return new EtlError(
      `docker compose could not publish ${what}: it is already in use`,
      `stop what uses it, or choose another port${owner ? ` with ${owner.setting}` : ''} in .env`,
    );
  }
  if (BUILD_FAILED.test(text)) {
    return new EtlError(
      `building the compose images failed; last lines of the build output:\n${lastLines(tail, 15)}`,
      'fix the cause above (docker/Dockerfile, the network, the build arguments), then run `etl up --mode compose` ' +
        'again',
    );
  }
  return new EtlError(
    `docker compose up failed; last lines:\n${lastLines(tail, 12)}`,
    'see `docker compose ps -a` and `docker compose logs <service>`',
  );
}

const lastLines = (tail: string[], n: number) =>
  tail
    .filter((l) => l.trim())
    .slice(-n)
    .map((l) => `    ${l}`)
    .join('\n');

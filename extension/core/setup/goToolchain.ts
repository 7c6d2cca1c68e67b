import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where Go's own installer puts the toolchain; a login shell adds it to PATH, a bare CI shell may not. */
export const GO_HOME_BINARY = '/usr/local/go/bin/go';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `go` to run: the one on PATH, else Go's default install; undefined when there is neither. */
export function goToolchain(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    if (executable(join(dir, 'go'))) return 'go';
  }
  return executable(GO_HOME_BINARY) ? GO_HOME_BINARY : undefined;
}

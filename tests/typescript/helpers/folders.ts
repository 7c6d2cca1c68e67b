import { chmodSync, mkdirSync } from 'node:fs';
import { execa } from 'execa';

/**
 * A really read-only folder for `use`. Permission bits do not stop root, so as root a
 * read-only tmpfs is mounted there (unmounted afterwards); anyone else gets mode 555.
 */
export async function withReadOnlyFolder<T>(dir: string, use: (dir: string) => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const root = process.getuid?.() === 0;
  if (root) await execa('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]);
  else chmodSync(dir, 0o555);
  try {
    return await use(dir);
  } finally {
    if (root) await execa('umount', [dir]);
    else chmodSync(dir, 0o755);
  }
}

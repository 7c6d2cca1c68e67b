import { execa } from 'execa';

export interface TarPipeResult {
  ok: boolean;
  /** What went wrong, from whichever side failed: tar's stderr or the consumer's output. */
  output: string;
}

/**
 * `tar -C dir -c . | file args`: the archive streams straight through. tar's stdout is not buffered
 * (execa keeps at most 100 MB of a buffered stdout and kills the process beyond it, which cut a
 * Debian root file system short and made `docker import` fail with "unexpected EOF").
 */
export async function tarDirectoryInto(dir: string, file: string, args: string[]): Promise<TarPipeResult> {
  const consumer = await execa('tar', ['-C', dir, '-c', '.'], { reject: false, buffer: { stdout: false } }).pipe(
    file,
    args,
    { reject: false, all: true },
  );
  const tar = consumer.pipedFrom[0];
  if (tar && tar.exitCode !== 0) return { ok: false, output: `tar: ${tar.shortMessage}\n${String(tar.stderr ?? '')}` };
  return { ok: consumer.exitCode === 0, output: String(consumer.all ?? '') };
}

import { execa, type Options } from 'execa';
import { EtlError } from './errors';
import type { Reporter } from './reporter';

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  reporter?: Reporter;
  /** Written to the tool's stdin (a secret stays out of the argument list, which `ps` shows). */
  input?: string;
  /** What the command is for, used in the error message ("building MinIO"). */
  purpose: string;
}

/**
 * Runs a tool with an argument array (never a shell string), streaming its
 * output lines to the reporter, and turns failure into an actionable error.
 */
export async function runTool(file: string, args: string[], options: RunOptions): Promise<string> {
  const execaOptions: Options = {
    cwd: options.cwd,
    env: options.env,
    all: true,
    reject: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  };
  const child = execa(file, args, execaOptions);
  const tail: string[] = [];
  child.all?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      options.reporter?.detail(line);
    }
  });
  const result = await child;
  if (result.failed) {
    const tried = `${file} ${args.join(' ')}`;
    if ((result as { code?: string }).code === 'ENOENT') {
      throw new EtlError(
        `${options.purpose} failed: "${file}" is not installed or not on PATH`,
        `install it, then run again (tried: ${tried})`,
      );
    }
    throw new EtlError(
      `${options.purpose} failed (exit ${result.exitCode ?? result.signal}): ${tried}`,
      `last output:\n${tail.slice(-12).join('\n')}`,
    );
  }
  return String(result.all ?? '');
}

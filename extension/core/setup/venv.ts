import { rmSync } from 'node:fs';
import type { Reporter } from '../reporter';
import { runTool } from '../run';
import { venvPython } from '../runtimes';

/** The interpreter venvs are made from (ETL_PYTHON overrides `python3`). */
export const systemPython = () => process.env.ETL_PYTHON || 'python3';

/** A new venv at `venv` (any old one removed) with `pip install <pipArgs>` done in it. */
export async function freshVenv(
  venv: string,
  pipArgs: string[],
  what: string,
  reporter: Reporter,
  cwd?: string,
): Promise<void> {
  rmSync(venv, { recursive: true, force: true });
  await runTool(systemPython(), ['-m', 'venv', venv], { purpose: `creating the ${what} venv`, reporter });
  await runTool(venvPython(venv), ['-m', 'pip', 'install', '--disable-pip-version-check', ...pipArgs], {
    purpose: `installing ${pipArgs.join(' ')} from PyPI`,
    cwd,
    reporter,
  });
}

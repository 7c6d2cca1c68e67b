import { join } from 'node:path';
import { PYTHON_FLOOR } from '../contract';
import { EtlError } from '../errors';
import { runTool } from '../run';
import { REQUIREMENT_FILES, sparkHome, venvDir, venvPython } from '../runtimes';
import type { SetupComponent, SetupContext } from './component';
import { freshVenv, systemPython } from './venv';

/** A venv with the ETL's pinned requirements (PySpark included), keyed by their content. */
export const pythonVenv: SetupComponent = {
  name: 'python',
  describe: 'Python venv with requirements.txt (PySpark, ecs-logging, minio, pytest)',
  stamp: (ctx) => venvDir(ctx.root, ctx.cache),
  artifacts: (ctx) => [
    venvPython(venvDir(ctx.root, ctx.cache)),
    join(sparkHome(venvDir(ctx.root, ctx.cache)), 'bin', 'spark-submit'),
  ],
  async install(ctx: SetupContext) {
    await checkPythonFloor(systemPython());
    await freshVenv(
      venvDir(ctx.root, ctx.cache),
      ['-r', join(ctx.root, REQUIREMENT_FILES[1])],
      'Python',
      ctx.reporter,
      ctx.root,
    );
  },
};

/** The system Python against config/contract.json's floor (pyproject's requires-python says the same). */
export async function checkPythonFloor(python: string): Promise<void> {
  const version = (await runTool(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
    purpose: `asking ${python} for its version`,
  })).trim();
  if (!pythonAtLeast(version, PYTHON_FLOOR)) {
    throw new EtlError(
      `${python} is Python ${version}; the ETL needs Python ${PYTHON_FLOOR} or newer `
        + '(the pinned numpy and pyarrow require it)',
      `install Python ${PYTHON_FLOOR}+ with venv (e.g. apt-get install python3 python3-venv), `
        + 'or point ETL_PYTHON at one',
    );
  }
}

/** Whether `version` (major.minor[.patch]) is at least `floor` (major.minor). */
export function pythonAtLeast(version: string, floor: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  const [floorMajor, floorMinor] = floor.split('.').map(Number);
  return major > floorMajor || (major === floorMajor && minor >= floorMinor);
}

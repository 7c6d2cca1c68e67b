import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from '../run';
import { REQUIREMENT_FILES, sparkHome, venvDir, venvPython } from '../runtimes';
import type { SetupComponent, SetupContext } from './component';

const systemPython = () => process.env.ETL_PYTHON || 'python3';

/** A venv with the ETL's pinned requirements (PySpark included), keyed by their content. */
export const pythonVenv: SetupComponent = {
  name: 'python',
  describe: 'Python venv with requirements.txt (PySpark, ecs-logging, minio, pytest)',
  stamp: (ctx) => venvDir(ctx.root, ctx.cache),
  artifacts: (ctx) => [venvPython(venvDir(ctx.root, ctx.cache)), join(sparkHome(venvDir(ctx.root, ctx.cache)), 'bin', 'spark-submit')],
  async install(ctx: SetupContext) {
    const venv = venvDir(ctx.root, ctx.cache);
    rmSync(venv, { recursive: true, force: true });
    const purpose = 'creating the Python venv';
    await runTool(systemPython(), ['-c', 'import sys; assert sys.version_info >= (3, 10), sys.version'], { purpose: `${purpose} (Python 3.10+ is required)` });
    await runTool(systemPython(), ['-m', 'venv', venv], { purpose, reporter: ctx.reporter });
    const pip = [venvPython(venv), '-m', 'pip'] as const;
    await runTool(pip[0], [...pip.slice(1), 'install', '--disable-pip-version-check', '-r', join(ctx.root, REQUIREMENT_FILES[1])], {
      purpose: 'installing the Python requirements from PyPI',
      cwd: ctx.root,
      reporter: ctx.reporter,
    });
  },
};

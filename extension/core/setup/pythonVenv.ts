import { join } from 'node:path';
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
    await runTool(systemPython(), ['-c', 'import sys; assert sys.version_info >= (3, 11), sys.version'], {
      purpose: 'checking the Python version (3.11+ is required: the pinned numpy and pyarrow need it)',
    });
    await freshVenv(
      venvDir(ctx.root, ctx.cache),
      ['-r', join(ctx.root, REQUIREMENT_FILES[1])],
      'Python',
      ctx.reporter,
      ctx.root,
    );
  },
};

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PINS } from '../pins';
import { runTool } from '../run';
import { airflowVenv } from '../runtimes';
import type { SetupComponent, SetupContext } from './component';

/**
 * Apache Airflow from PyPI in a venv of its own (the DAG runs the ETL's code in
 * the ETL venv through ExternalPythonOperator and spark-submit), plus pytest for the DAG tests.
 */
export const airflow: SetupComponent = {
  name: 'airflow',
  describe: `Apache Airflow ${PINS.airflow} (own venv; scheduler, API server, \`airflow dags test\`)`,
  stamp: () => `apache-airflow==${PINS.airflow}`,
  artifacts: (ctx) => [join(airflowVenv(ctx.cache), 'bin', 'airflow')],
  async install(ctx: SetupContext) {
    const venv = airflowVenv(ctx.cache);
    rmSync(venv, { recursive: true, force: true });
    await runTool(process.env.ETL_PYTHON || 'python3', ['-m', 'venv', venv], { purpose: 'creating the Airflow venv', reporter: ctx.reporter });
    await runTool(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', `apache-airflow==${PINS.airflow}`, 'pytest==9.2.0'], {
      purpose: `installing apache-airflow==${PINS.airflow} from PyPI`,
      reporter: ctx.reporter,
    });
  },
};

import { join } from 'node:path';
import { PINS } from '../pins';
import { airflowVenv } from '../runtimes';
import type { SetupComponent, SetupContext } from './component';
import { freshVenv } from './venv';

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
    await freshVenv(
      airflowVenv(ctx.cache),
      [`apache-airflow==${PINS.airflow}`, 'pytest==9.2.0'],
      'Airflow',
      ctx.reporter,
    );
  },
};

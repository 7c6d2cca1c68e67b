import { join } from 'node:path';
import { PINS } from '../pins';
import { airflowVenv } from '../runtimes';
import type { SetupComponent, SetupContext } from './component';
import { freshVenv } from './venv';

const PACKAGES = [
  `apache-airflow==${PINS.airflow}`,
  `apache-airflow-providers-openlineage==${PINS.airflowOpenLineage}`,
];

/**
 * Apache Airflow from PyPI in a venv of its own (the DAG runs the ETL's code in
 * the ETL venv through ExternalPythonOperator and spark-submit) with its OpenLineage provider, plus pytest for
 * the DAG tests.
 */
export const airflow: SetupComponent = {
  name: 'airflow',
  describe: `Apache Airflow ${PINS.airflow} (own venv; scheduler, API server, \`airflow dags test\`)`,
  stamp: () => PACKAGES.join(' '),
  artifacts: (ctx) => [join(airflowVenv(ctx.cache), 'bin', 'airflow')],
  async install(ctx: SetupContext) {
    await freshVenv(
      airflowVenv(ctx.cache),
      [...PACKAGES, 'pytest==9.2.0'],
      'Airflow',
      ctx.reporter,
    );
  },
};

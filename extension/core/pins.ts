import { SPARK_JARS } from './contract';

/**
 * Pinned runtimes. Why each version is what it is: README, "Pinned versions".
 * PySpark itself is pinned in requirements.txt; the jars below must match the
 * Hadoop it bundles (PySpark 4.0.1 ships hadoop-client 3.4.1).
 */
export const PINS = {
  pyspark: '4.0.1',
  // The s3a and Delta Lake jars (config/contract.json, shared with etl.submit and docker/spark-jars.txt).
  sparkJars: SPARK_JARS,
  mavenDependencyPlugin: 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1',
  minio: { module: 'github.com/minio/minio', version: 'v0.0.0-20260212201848-7aac2a2c5b7c' },
  mc: { module: 'github.com/minio/mc', version: 'v0.0.0-20250313080218-cf909e1063a9' },
  // Airflow lives in its own venv: its dependency pins never meet the ETL's.
  airflow: '3.1.3',
  // Airflow's OpenLineage provider: the DAG's own lineage events, and the parent of the transform's (dags/).
  airflowOpenLineage: '2.20.3',
  // OpenLineage's Spark listener: only tests/python/unit/test_lineage_spark_listener.py runs it, to compare its column
  // lineage with the transform's own (docs/lineage.md); never on the cluster's classpath.
  openLineageSpark: 'io.openlineage:openlineage-spark_2.13:1.53.0',
  elasticsearch: {
    version: '8.19.21',
    artifact: 'org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip',
  },
} as const;

/** The file name `mvn dependency:copy` gives an artifact `group:name:version[:type]`. */
export function jarFileName(coordinates: string): string {
  const [, artifact, version, type = 'jar'] = coordinates.split(':');
  return `${artifact}-${version}.${type}`;
}

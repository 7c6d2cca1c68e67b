import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

/**
 * The compose tests run their own project on their own ports, so they never meet a native
 * stack or a user's compose stack: a ports file (ETL_STATE_DIR, the port keys,
 * COMPOSE_PROJECT_NAME exported) wins; otherwise this 29xxx block and project etl-spark-test.
 */
const OWN_PORTS: Record<string, string> = {
  MINIO_API_PORT: '29000',
  MINIO_CONSOLE_PORT: '29001',
  SPARK_MASTER_PORT: '29077',
  SPARK_MASTER_UI_PORT: '29080',
  SPARK_WORKER_1_UI_PORT: '29081',
  SPARK_WORKER_2_UI_PORT: '29082',
  SPARK_HISTORY_UI_PORT: '29018',
  SPARK_CONNECT_PORT: '29150',
  SPARK_CONNECT_UI_PORT: '29450',
  ES_PORT: '29200',
  ES_TRANSPORT_PORT: '29300',
  AIRFLOW_PORT: '29089',
  KIBANA_PORT: '29601',
};

export function useComposeTestEnv(): { project: string } {
  for (const [key, value] of Object.entries(OWN_PORTS)) process.env[key] ??= value;
  process.env.COMPOSE_PROJECT_NAME ??= 'etl-spark-test';
  // Small workers for a 2-core CI machine; a failing DAG task fails at once.
  process.env.SPARK_WORKER_MEMORY ??= '2g';
  process.env.SPARK_EXECUTOR_MEMORY ??= '1g';
  process.env.SPARK_DRIVER_MEMORY ??= '1g';
  process.env.ETL_DAG_RETRIES ??= '0';
  // Elasticsearch's security on whatever .env says (its user and password win over .env's, here and in compose).
  if (!process.env.ES_USERNAME || !process.env.ES_PASSWORD) {
    process.env.ES_USERNAME = 'etl';
    process.env.ES_PASSWORD = randomBytes(18).toString('base64url');
  }
  return { project: process.env.COMPOSE_PROJECT_NAME };
}

/** Names (containers, networks or volumes) that carry the compose project label. */
export async function dockerObjects(kind: 'ps' | 'network' | 'volume', project: string): Promise<string[]> {
  const args = kind === 'ps' ? ['ps', '-a'] : [kind, 'ls'];
  const result = await execa(
    'docker',
    [
      ...args,
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      kind === 'ps' ? '{{.Names}}' : '{{.Name}}',
    ],
    { reject: false },
  );
  if (result.exitCode !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
  return String(result.stdout).split('\n').map((l) => l.trim()).filter(Boolean);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EtlConfig } from '../config';
import { esClient, esTarget } from '../elasticsearch/client';

/** The index the log pipeline writes to (Logstash: etl-logs-%{+YYYY.MM.dd}). */
export const LOG_INDEX_PATTERN = 'etl-logs-*';
export const LOG_TEMPLATE_NAME = 'etl-logs';

export const logIndexFor = (timestamp: string) => `etl-logs-${timestamp.slice(0, 10).replaceAll('-', '.')}`;

/**
 * Installs the ECS index template the compose stack's Logstash installs, so the
 * native Elasticsearch maps ETL log documents the same way.
 */
export async function installLogIndexTemplate(config: EtlConfig): Promise<void> {
  const template = JSON.parse(
    readFileSync(join(config.paths.root, 'elk', 'elasticsearch', 'etl-logs-template.json'), 'utf8'),
  );
  // Only the stack's own Elasticsearch: a team's (an external profile) is theirs to set up.
  if (config.profile.elasticsearch.mode === 'external') return;
  // The local Elasticsearch (this runs after `etl up` started it): its URL, CA and user when .env secures it.
  const client = esClient(esTarget(config), 30_000);
  try {
    await client.indices.putIndexTemplate({ name: LOG_TEMPLATE_NAME, ...template });
  } finally {
    await client.close();
  }
}

import type { EtlConfig } from '../config';

/**
 * The lineage server of the active profile (its `lineage` section) as OpenLineage's own variables: Airflow's
 * provider reads them (scripts/airflow-native.sh), as the transform reads the profile (src/etl/config.py).
 * None: only the event files (Backup_data/lineage), or what OPENLINEAGE_URL in the environment says.
 */
export function lineageServerEnv(config: Pick<EtlConfig, 'profile' | 'secretOf'>): Record<string, string> {
  const { url, apiKeyEnv } = config.profile.lineage;
  if (!url) return {};
  const apiKey = apiKeyEnv ? config.secretOf?.(apiKeyEnv) : undefined;
  return { OPENLINEAGE_URL: url, ...(apiKey ? { OPENLINEAGE_API_KEY: apiKey } : {}) };
}

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readDeltaTable } from '../../../../extension/core/gold/deltaLog';
import { tableRows } from '../../../../extension/core/gold/partitions';
import { listGoldTables } from '../../../../extension/core/gold/tables';
import { s3Client } from '../../../../extension/core/s3/client';
import { adminClient } from '../../../../extension/core/stack/buckets';
import { projectConfig } from '../../helpers/cli';
import { emptyAndRemove, publishSample, scratchProject } from '../../helpers/scratch';

/**
 * The bundled sample (2024-01..02) published once into scratch buckets of its own, by the real extract and the real
 * transform, for the suites of sampleGold.test.ts to share. `publish()` in their `before`, `remove()` in their `after`.
 */
export function sampleGold(label: string) {
  const config = projectConfig();
  const client = s3Client(config);
  const admin = adminClient(config);
  const scratch = scratchProject(config, label);
  const runs = {
    extractRun: `extract-${label}-${scratch.suffix}`,
    transformRun: `transform-${label}-${scratch.suffix}`,
  };
  let transformStderr = '';

  /** Rows (from the Delta snapshot's stats) and version of every gold table now. */
  async function goldState(): Promise<Record<string, { rows: number | undefined; version: number }>> {
    const state: Record<string, { rows: number | undefined; version: number }> = {};
    for (const table of await listGoldTables(client, scratch.gold)) {
      const delta = await readDeltaTable(client, scratch.gold, table.root);
      state[table.root] = { rows: tableRows(delta), version: delta.version };
    }
    return state;
  }

  return {
    config,
    client,
    admin,
    scratch,
    ...runs,
    goldState,
    /** What the publishing `etl transform` printed on stderr (its summary names the checks). */
    transformStderr: () => transformStderr,
    async publish(): Promise<void> {
      transformStderr = (await publishSample(admin, scratch, config.minio.region, runs, 840_000)).stderr;
    },
    async remove(): Promise<void> {
      for (const bucket of [scratch.rawzone, scratch.gold])
        await emptyAndRemove(client, admin, bucket).catch(() => undefined);
      rmSync(join(config.paths.cache, 'checks', scratch.gold), { recursive: true, force: true });
      rmSync(scratch.tmp, { recursive: true, force: true });
    },
  };
}

export type SampleGold = ReturnType<typeof sampleGold>;

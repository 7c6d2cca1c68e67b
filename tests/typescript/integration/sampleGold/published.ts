import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runExtract } from '../../../../extension/core/extract/run';
import { readDeltaTable } from '../../../../extension/core/gold/deltaLog';
import { tableRows } from '../../../../extension/core/gold/partitions';
import { listGoldTables } from '../../../../extension/core/gold/tables';
import { s3Client } from '../../../../extension/core/s3/client';
import type { SparkProgress } from '../../../../extension/core/spark/restApi';
import { adminClient } from '../../../../extension/core/stack/buckets';
import type { QualityReport, TransformEvent } from '../../../../extension/core/transform/events';
import { runTransform } from '../../../../extension/core/transform/run';
import { ROOT, etl, projectConfig } from '../../helpers/cli';
import { emptyAndRemove, scratchProject } from '../../helpers/scratch';

/** What the publishing transform reported as it ran (the runner's callbacks) and at its end. */
export interface Publish {
  report: QualityReport;
  events: TransformEvent[];
  progress: SparkProgress[];
}

/**
 * The bundled sample (2024-01..02) published once into scratch buckets of its own, by the real extractor and the
 * real transform through the core's runners (those of the CLI and the extension), for the suites of
 * sampleGold.test.ts to share. `publish()` in their `before`, `remove()` in their `after`.
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
  let published: Publish | undefined;

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
    /**
     * A "bad" month beside the sample: 2,000 generated trips (seed 7, not the sample's) extracted into the scratch
     * rawzone as run `runId`, for a suite's faulty transform. `folder` (under the scratch folder) holds the file.
     */
    async extractGeneratedMonth(month: string, runId: string, folder: string): Promise<void> {
      const out = join(scratch.tmp, folder);
      const python = (await etl(['which', 'python'])).stdout.trim();
      const generate = await execa(python, ['-m', 'etl.sample', '--out', out, '--months', month, '--rows', '2000',
        '--seed', '7'], { cwd: ROOT, env: { PYTHONPATH: join(ROOT, 'src') }, reject: false, all: true });
      assert.equal(generate.exitCode, 0, generate.all);
      const extract = await etl(['extract', '--months', month, '--run-id', runId,
        '--source', `file://${out}/yellow_tripdata_{YYYY}-{MM}.parquet`,
        '--zones', join(ROOT, 'Data_extracted', 'taxi_zone_lookup.csv')], scratch.env);
      assert.equal(extract.exitCode, 0, extract.all);
    },
    /** The publishing transform's report, events and Spark progress. */
    published(): Publish {
      if (!published) throw new Error('the sample was not published (its before hook failed)');
      return published;
    },
    async publish(): Promise<void> {
      await admin.makeBucket(scratch.rawzone, config.minio.region);
      await admin.makeBucket(scratch.gold, config.minio.region);
      const { env } = scratch;
      await runExtract(config, { months: '2024-01..2024-02', source: { sample: true }, runId: runs.extractRun, env });
      const events: TransformEvent[] = [];
      const progress: SparkProgress[] = [];
      const callbacks = {
        onEvent: (e: TransformEvent) => events.push(e),
        onProgress: (p: SparkProgress) => progress.push(p),
      };
      const report = await runTransform(config, { run: runs.extractRun, runId: runs.transformRun, env }, callbacks);
      published = { report, events, progress };
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

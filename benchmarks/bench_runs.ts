// Benchmark of the Runs view's first paint (not a test): the core join (extension/core/runs) over N
// extraction runs in a manifest and N quality reports in a gold bucket, beside the floor measured in
// the same run: a raw listing of _quality/ plus raw reads of every report and of the manifest file.
//   npm run -s bench:runs [-- --runs 500 --rounds 20 --keep]
// Prints the median and p95 over --rounds rounds (cold rounds alternated with the floors', each timing the first
// paint (startLoadRuns' first model) and the complete load; then refreshes, then new windows: a fresh ReportCache
// reading the file the first window wrote).
// Needs the stack's MinIO (`etl up`); uses a scratch bucket gold-benchruns-<n> (made once by the admin
// key, removed at the end unless --keep).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../extension/core/config';
import { DEFAULT_PATHS } from '../extension/core/contract';
import { findProjectRoot } from '../extension/core/paths';
import { loadRuns, startLoadRuns } from '../extension/core/runs/load';
import { ReportCache, reportCacheFile } from '../extension/core/runs/reportCache';
import { s3Client } from '../extension/core/s3/client';
import { listAllKeys } from '../extension/core/s3/listing';
import { readObject } from '../extension/core/s3/read';
import { adminClient } from '../extension/core/stack/buckets';
import { median, p95 } from './stats';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 500);
const ROUNDS = arg('rounds', 20);
const config = loadConfig(findProjectRoot(__dirname));
const client = s3Client(config);
const admin = adminClient(config);
const BUCKET = `${config.buckets.gold}-benchruns-${RUNS}`;
const RULES = ['missing_required', 'pickup_outside_month', 'zero_duration', 'unknown_zone', 'duplicate'];

const iso = (i: number, minute = 0) =>
  new Date(Date.UTC(2025, 0, 1) + i * 3_600_000 + minute * 60_000).toISOString().replace('.000', '');
const month = (i: number) => `2024-${String((i % 12) + 1).padStart(2, '0')}`;

function extraction(i: number) {
  const file = {
    kind: 'trips',
    month: month(i),
    path: `s3a://rawzone/yellow_tripdata/${month(i)}.parquet`,
    bucket: 'rawzone',
    key: `yellow_tripdata/${month(i)}.parquet`,
    source_url: 'file:///x',
    size: 500_000,
    sha256: 'x',
    extracted_at: iso(i),
    status: 'uploaded',
  };
  return {
    run_id: `extract-${i}`,
    step: 'extract',
    status: 'succeeded',
    started_at: iso(i),
    ended_at: iso(i, 1),
    months: [month(i)],
    source_template: 'file:///x/Data_extracted/yellow_tripdata_{YYYY}-{MM}.parquet',
    zones_source: null,
    bucket: 'rawzone',
    minio_endpoint: '',
    error: null,
    files: [file],
  };
}

function report(i: number) {
  const byRule = Object.fromEntries(RULES.map((r, k) => [r, (i * 7 + k * 13) % 300]));
  const rejected = Object.values(byRule).reduce((a, b) => a + b, 0);
  const counts = { rows_read: 20_000, rows_kept: 20_000 - rejected, rows_rejected: rejected, rejected_by_rule: byRule };
  return {
    run_id: `transform-${i}`,
    status: 'succeeded',
    app_id: `app-${i}`,
    manifest_run: `extract-${i}`,
    extract_runs: [`extract-${i}`],
    airflow: null,
    started_at: iso(i, 2),
    ended_at: iso(i, 5),
    duration_s: 180,
    inputs: [],
    ...counts,
    months: { [month(i)]: counts },
  };
}

async function fill(): Promise<void> {
  if (!(await admin.bucketExists(BUCKET))) await admin.makeBucket(BUCKET, config.minio.region);
  const present = new Set((await listAllKeys(client, BUCKET, '_quality/')).map((e) => e.key));
  const missing = Array.from({ length: RUNS }, (_, i) => i).filter((i) => !present.has(`_quality/transform-${i}.json`));
  for (let i = 0; i < missing.length; i += 32) {
    await Promise.all(
      missing
        .slice(i, i + 32)
        .map((n) =>
          client.putObject(BUCKET, `_quality/transform-${n}.json`, Buffer.from(JSON.stringify(report(n), null, 2))),
        ),
    );
  }
}

/** The floor: what any view must do at least: list the reports, GET each (16 at a time), read the manifest. */
async function floor(manifest: string): Promise<number> {
  const started = performance.now();
  readFileSync(manifest);
  const keys = (await listAllKeys(client, BUCKET, '_quality/')).map((e) => e.key);
  for (let i = 0; i < keys.length; i += 16)
    await Promise.all(keys.slice(i, i + 16).map((k) => readObject(client, BUCKET, k)));
  return performance.now() - started;
}

const scratch = { ...config, buckets: { ...config.buckets, gold: BUCKET } };

async function ours(dir: string, cache = new ReportCache()): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const model = await loadRuns({ config: scratch, s3: client, cache, env: { ETL_BACKUP_DIR: dir } });
  return { ms: performance.now() - started, rows: model.runs.length };
}

/** The first paint's floor: what a view without a GET per report does at least, list _quality/, read the manifest. */
async function listingFloor(manifest: string): Promise<number> {
  const started = performance.now();
  readFileSync(manifest);
  await listAllKeys(client, BUCKET, '_quality/');
  return performance.now() - started;
}

/** A store no window has read (no cache file): the first model, then the same load to its end. */
async function firstPaint(dir: string): Promise<{ first: number; complete: number; rows: number; unread: number }> {
  const started = performance.now();
  const sources = { config: scratch, s3: client, cache: new ReportCache(), env: { ETL_BACKUP_DIR: dir } };
  const load = await startLoadRuns(sources);
  const first = performance.now() - started;
  const model = await load.complete;
  return { first, complete: performance.now() - started, rows: model.runs.length, unread: load.first.unread };
}

async function main(): Promise<void> {
  await fill();
  const dir = mkdtempSync(join(tmpdir(), 'etl-bench-runs-'));
  const manifest = join(dir, DEFAULT_PATHS.manifestFile);
  writeFileSync(
    manifest,
    JSON.stringify({
      schema_version: 1,
      updated_at: iso(RUNS),
      runs: Array.from({ length: RUNS }, (_, i) => extraction(i)),
    }),
  );
  await floor(manifest); // warm the connection pool and MinIO's caches for both
  const floors: number[] = [];
  const listingFloors: number[] = [];
  const firsts: number[] = [];
  const cold: number[] = [];
  let rows = 0;
  for (let round = 0; round < ROUNDS; round++) {
    floors.push(await floor(manifest));
    listingFloors.push(await listingFloor(manifest));
    const result = await firstPaint(dir);
    firsts.push(result.first);
    cold.push(result.complete);
    rows = result.rows;
    if (result.unread !== RUNS) throw new Error(`cold first paint: ${result.unread} unread reports, not ${RUNS}`);
  }
  const cache = new ReportCache();
  await ours(dir, cache);
  const warm: number[] = [];
  for (let round = 0; round < ROUNDS; round++) warm.push((await ours(dir, cache)).ms);
  // A new window: the reports an earlier window read are on disk; its first paint reads the file, lists, joins.
  const file = reportCacheFile(dir, 'bench', BUCKET);
  await ours(dir, new ReportCache(file));
  const reopened: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const result = await ours(dir, new ReportCache(file));
    reopened.push(performance.now() - started);
    if (result.rows !== RUNS) throw new Error(`new window: expected ${RUNS} rows, got ${result.rows}`);
  }
  if (rows !== RUNS) throw new Error(`expected ${RUNS} joined rows, got ${rows}`);
  const line = (what: string, times: number[], base = floors) => {
    const ratio = (stat: (v: number[]) => number) => (stat(times) / stat(base)).toFixed(2);
    const figures = `median ${median(times).toFixed(1)} ms, p95 ${p95(times).toFixed(1)} ms`;
    const ratios = times === base ? '' : `   ratio ${ratio(median)}x median, ${ratio(p95)}x p95`;
    process.stdout.write(`  ${what.padEnd(60)} ${figures}${ratios}\n`);
  };
  process.stdout.write(`Runs view first paint, ${RUNS} extraction runs + ${RUNS} quality reports (${ROUNDS} rounds)\n`);
  line('floor of the first paint: list _quality/ + read manifest', listingFloors, listingFloors);
  line('first paint, cold (no cache file; aim: p95 < 200 ms)', firsts, listingFloors);
  line('floor: list _quality/ + GET every report + read manifest', floors);
  line('complete load, cold (first paint, then every report read)', cold);
  line('loadRuns on refresh (reports cached by size+date)', warm);
  line('new window: cache file + loadRuns (aim: p95 < 200 ms)', reopened);
  if (!process.argv.includes('--keep')) {
    const keys = (await listAllKeys(client, BUCKET, '')).map((e) => e.key);
    for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(BUCKET, keys.slice(i, i + 1000));
    await admin.removeBucket(BUCKET);
  }
}

main().catch((error) => {
  process.stderr.write(`bench_runs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

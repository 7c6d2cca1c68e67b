import type { Client } from 'minio';
import type { AirflowClient, Backfill, ListedDagRun } from '../airflow/client';
import { PIPELINE_DAG } from '../airflow/pipelineRun';
import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import { loadManifest, manifestPath, parseManifest, type ManifestRun } from '../manifest/model';
import { endpointOf } from '../s3/client';
import { explainS3Error } from '../s3/errors';
import { listAllKeys } from '../s3/listing';
import { readObject } from '../s3/read';
import { joinRuns, type DagRunRecord, type PipelineRun } from './join';
import { isRunReportKey, parseReport, QUALITY_PREFIX, type QualityReport } from './report';
import { ReportCache } from './reportCache';

/** Runs `work` over `items`, at most `limit` at a time (a few hundred small GETs without a stampede). */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface LoadedReports {
  reports: QualityReport[];
  /** Objects under _quality/ that are not readable reports, with why. */
  problems: string[];
}

/** Every run's quality report in gold/_quality/ (latest.json, a copy, left out). */
export async function loadReports(client: Client, bucket: string, cache = new ReportCache()): Promise<LoadedReports> {
  const entries = (await listAllKeys(client, bucket, QUALITY_PREFIX)).filter((e) => isRunReportKey(e.key));
  cache.retain(entries);
  const parsed = await mapLimited(entries, 16, async (entry) => {
    const cached = cache.get(entry);
    if (cached) return cached;
    const report = parseReport(
      (await readObject(client, bucket, entry.key)).toString('utf8'),
      `s3://${bucket}/${entry.key}`,
    );
    cache.set(entry, report);
    return report;
  });
  cache.save();
  const reports: QualityReport[] = [];
  const problems: string[] = [];
  for (const result of parsed) {
    if ('run_id' in result) reports.push(result);
    else problems.push(result.error);
  }
  return { reports, problems };
}

const recordOf = (run: ListedDagRun): DagRunRecord => ({
  dagId: PIPELINE_DAG,
  dagRunId: run.dag_run_id,
  state: run.state,
  startedAt: run.start_date ?? null,
  endedAt: run.end_date ?? null,
  conf: run.conf ?? {},
  runType: run.run_type,
  logicalDate: run.logical_date ?? null,
  queuedAt: run.queued_at ?? null,
});

/**
 * The DAG's runs when Airflow answers (undefined when it does not run: no error, it is optional).
 * A run whose transform wrote no report is joined through its extract task's XCom (the run id).
 */
export async function loadDagRuns(
  client: AirflowClient,
  linked: Set<string>,
  limit = 50,
): Promise<DagRunRecord[] | undefined> {
  let runs: ListedDagRun[];
  try {
    runs = await client.listRuns(PIPELINE_DAG, limit);
  } catch (error) {
    if (error instanceof EtlError && error.message.startsWith('cannot reach Airflow')) return undefined;
    throw error;
  }
  return mapLimited(runs, 4, async (run) => {
    const record = recordOf(run);
    if (!linked.has(run.dag_run_id)) {
      const value = (await client.xcomValue(PIPELINE_DAG, run.dag_run_id, 'extract').catch(() => undefined)) as
        | { run_id?: string }
        | undefined;
      if (typeof value?.run_id === 'string') record.extractRunId = value.run_id;
    }
    return record;
  });
}

export interface RunsModel {
  runs: PipelineRun[];
  problems: string[];
  /** Whether Airflow answered (its DAG runs are in `runs`). */
  airflow: boolean;
  /** The DAG's backfills, newest first (the Runs view groups their runs); empty when Airflow does not answer. */
  backfills: Backfill[];
}

export interface RunsSources {
  config: EtlConfig;
  s3: Client;
  airflow?: AirflowClient;
  cache?: ReportCache;
  env?: NodeJS.ProcessEnv;
  /** How the caller words an S3 failure (the extension: for the active profile); default as is. */
  explainS3?: (error: EtlError) => EtlError;
}

/**
 * Extractions Airflow's tasks made that this manifest does not hold (Airflow was started with another
 * ETL_BACKUP_DIR, or runs in compose): read from their mirror, rawzone/_manifests/<run_id>.json.
 */
async function mirroredRuns(client: Client, bucket: string, ids: string[]): Promise<ManifestRun[]> {
  const runs = await mapLimited(ids, 4, async (id) => {
    const text = await readObject(client, bucket, `_manifests/${id}.json`).then(
      (b) => b.toString('utf8'),
      () => undefined,
    );
    if (!text) return undefined;
    try {
      return parseManifest(text, id).runs.find((r) => r.run_id === id);
    } catch {
      return undefined;
    }
  });
  return runs.filter((r): r is ManifestRun => !!r);
}

function explainedS3(sources: RunsSources, error: unknown): EtlError {
  const explained = explainS3Error(error, endpointOf(sources.config));
  return sources.explainS3 ? sources.explainS3(explained) : explained;
}

/** The Runs view's model: the manifest, gold's quality reports and Airflow's DAG runs, joined. */
export async function loadRuns(sources: RunsSources): Promise<RunsModel> {
  const { config } = sources;
  const manifest = loadManifest(manifestPath(config.paths.root, sources.env ?? process.env));
  const { reports, problems } = await loadReports(sources.s3, config.buckets.gold, sources.cache).catch((error) => ({
    // MinIO down or refusing: the extractions and DAG runs still show, with why the transforms do not.
    reports: [] as QualityReport[],
    problems: [`quality reports not read: ${explainedS3(sources, error).describe().replace(/\n\s*/g, ' ')}`],
  }));
  const linked = new Set(reports.map((r) => r.airflow?.dag_run_id).filter((id): id is string => !!id));
  const dagRuns = sources.airflow ? await loadDagRuns(sources.airflow, linked) : undefined;
  const local = new Set(manifest.runs.map((r) => r.run_id));
  const fromAirflow = [
    ...(dagRuns ?? []).map((d) => d.extractRunId),
    ...reports.filter((r) => r.airflow).flatMap((r) => r.extract_runs ?? []),
  ].filter((id): id is string => !!id && !local.has(id));
  const extracts = [
    ...manifest.runs,
    ...(await mirroredRuns(sources.s3, config.buckets.rawzone, [...new Set(fromAirflow)])),
  ];
  // Backfills are a grouping only: a failure to list them leaves the runs ungrouped, it hides none.
  const backfills = dagRuns && sources.airflow
    ? await sources.airflow.listBackfills(PIPELINE_DAG).catch(() => [] as Backfill[])
    : [];
  return { runs: joinRuns({ extracts, reports, dagRuns: dagRuns ?? [] }), problems, airflow: !!dagRuns, backfills };
}

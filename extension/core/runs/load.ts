import type { Client } from 'minio';
import { AirflowUnreachable, type AirflowClient, type Backfill, type ListedDagRun } from '../airflow/client';
import { PIPELINE_DAG } from '../airflow/pipelineRun';
import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import { loadManifest, manifestPath, parseManifest, type ManifestRun } from '../manifest/model';
import { endpointOf } from '../s3/client';
import { explainS3Error } from '../s3/errors';
import { listAllKeys, type ObjectEntry } from '../s3/listing';
import { readObject } from '../s3/read';
import { joinRuns, type DagRunRecord, type PipelineRun } from './join';
import { isRunReportKey, parseReport, QUALITY_PREFIX, type QualityReport } from './report';
import { partialRuns, readOrder, throttled } from './progress';
import { ReportCache, type Cached } from './reportCache';

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

/** The listing of _quality/ with the reports the cache holds; the rest, `unread`, newest first. */
export interface ListedReports extends LoadedReports {
  unread: ObjectEntry[];
}

const joinOutcome = (into: LoadedReports, outcome: Cached) =>
  'run_id' in outcome ? into.reports.push(outcome) : into.problems.push(outcome.error);

/** One listing of _quality/ (latest.json, a copy, left out): what the cache holds is known without a GET. */
export async function listReports(client: Client, bucket: string, cache: ReportCache): Promise<ListedReports> {
  const entries = (await listAllKeys(client, bucket, QUALITY_PREFIX)).filter((e) => isRunReportKey(e.key));
  cache.retain(entries);
  const listed: ListedReports = { reports: [], problems: [], unread: [] };
  for (const entry of entries) {
    const cached = cache.get(entry);
    if (cached) joinOutcome(listed, cached);
    else listed.unread.push(entry);
  }
  listed.unread = readOrder(listed.unread);
  return listed;
}

/**
 * GETs the `unread` reports in their order, 16 at a time, each once (kept in `cache`), calling `onRead` as each
 * arrives; stops taking new ones once `signal` aborts. The cache file is written at the end.
 */
export async function readReports(
  client: Client,
  bucket: string,
  unread: ObjectEntry[],
  cache: ReportCache,
  onRead: (entry: ObjectEntry, outcome: Cached) => void,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await mapLimited(unread, 16, async (entry) => {
      if (signal?.aborted) return;
      const text = (await readObject(client, bucket, entry.key)).toString('utf8');
      const outcome = parseReport(text, `s3://${bucket}/${entry.key}`);
      cache.set(entry, outcome);
      onRead(entry, outcome);
    });
  } finally {
    cache.save();
  }
}

/** Every run's quality report in gold/_quality/, all read (the CLI, tests). */
export async function loadReports(client: Client, bucket: string, cache = new ReportCache()): Promise<LoadedReports> {
  const listed = await listReports(client, bucket, cache);
  await readReports(client, bucket, listed.unread, cache, (_, outcome) => joinOutcome(listed, outcome));
  return { reports: listed.reports, problems: listed.problems };
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
    if (error instanceof AirflowUnreachable) return undefined;
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
  /** Quality reports listed but not read yet (0 once the model is complete). */
  unread: number;
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

/** What a load reads before its first model: the manifest and the listing, with the cached reports. */
interface Known {
  extracts: ManifestRun[];
  listed: ListedReports;
}

const quotedS3 = (sources: RunsSources, error: unknown) =>
  `quality reports not read: ${explainedS3(sources, error).describe().replace(/\n\s*/g, ' ')}`;

async function readKnown(sources: RunsSources, cache: ReportCache): Promise<Known> {
  const { config } = sources;
  const manifest = loadManifest(manifestPath(config.paths.root, sources.env ?? process.env));
  const listed = await listReports(sources.s3, config.buckets.gold, cache).catch(
    // MinIO down or refusing: the extractions and DAG runs still show, with why the transforms do not.
    (error): ListedReports => ({ reports: [], problems: [quotedS3(sources, error)], unread: [] }),
  );
  return { extracts: manifest.runs, listed };
}

/** With every report read: Airflow's DAG runs, the extractions only their mirror holds, the backfills. */
async function completed(sources: RunsSources, known: Known): Promise<RunsModel> {
  const { reports, problems } = known.listed;
  const linked = new Set(reports.map((r) => r.airflow?.dag_run_id).filter((id): id is string => !!id));
  const dagRuns = sources.airflow ? await loadDagRuns(sources.airflow, linked) : undefined;
  const local = new Set(known.extracts.map((r) => r.run_id));
  const fromAirflow = [
    ...(dagRuns ?? []).map((d) => d.extractRunId),
    ...reports.filter((r) => r.airflow).flatMap((r) => r.extract_runs ?? []),
  ].filter((id): id is string => !!id && !local.has(id));
  const extracts = [
    ...known.extracts,
    ...(await mirroredRuns(sources.s3, sources.config.buckets.rawzone, [...new Set(fromAirflow)])),
  ];
  // Backfills are a grouping only: a failure to list them leaves the runs ungrouped, it hides none.
  const backfills = dagRuns && sources.airflow
    ? await sources.airflow.listBackfills(PIPELINE_DAG).catch(() => [] as Backfill[])
    : [];
  const runs = joinRuns({ extracts, reports, dagRuns: dagRuns ?? [] });
  return { runs, problems, airflow: !!dagRuns, backfills, unread: 0 };
}

export interface RunsLoad {
  /** From the manifest, the listing and the cached reports: rows whose report is unread say so. */
  first: RunsModel;
  /** Every report read, Airflow joined. */
  complete: Promise<RunsModel>;
}

export interface ProgressOptions {
  /** A model with the reports read so far, at most once per `progressMs` while they arrive. */
  onProgress?: (model: RunsModel) => void;
  progressMs?: number;
  /** A newer load superseded this one: read no more reports. */
  signal?: AbortSignal;
}

/** The two steps of a load; `first` is only joined for a caller that paints it (loadRuns does not). */
async function loadInSteps(
  sources: RunsSources,
  options: ProgressOptions,
): Promise<{ first: () => RunsModel; complete: Promise<RunsModel> }> {
  const cache = sources.cache ?? new ReportCache();
  const known = await readKnown(sources, cache);
  const { listed } = known;
  const unread = new Set(listed.unread);
  const modelNow = (): RunsModel => ({
    runs: partialRuns(known.extracts, listed.reports, [...unread]),
    problems: [...listed.problems],
    airflow: false,
    backfills: [],
    unread: unread.size,
  });
  const { onProgress } = options;
  const complete = async () => {
    await new Promise(setImmediate); // the caller paints the first model before 16 GETs are signed and sent
    const progress = throttled(() => onProgress?.(modelNow()), options.progressMs ?? 200);
    const onRead = (entry: ObjectEntry, outcome: Cached) => {
      unread.delete(entry);
      joinOutcome(listed, outcome);
      if (onProgress) progress.poke();
    };
    await readReports(sources.s3, sources.config.buckets.gold, listed.unread, cache, onRead, options.signal)
      .catch((error) => listed.problems.push(quotedS3(sources, error)))
      .finally(progress.cancel);
    return options.signal?.aborted ? modelNow() : completed(sources, known);
  };
  return { first: modelNow, complete: complete() };
}

/**
 * The Runs view's load in two steps: a first model without a GET per report (a store no window has read has
 * 1,000 reports to GET, ~1 s), then the unread reports, newest first, merged as they arrive.
 */
export async function startLoadRuns(sources: RunsSources, options: ProgressOptions = {}): Promise<RunsLoad> {
  const steps = await loadInSteps(sources, options);
  return { first: steps.first(), complete: steps.complete };
}

/** The whole model at once: the manifest, gold's quality reports and Airflow's DAG runs, joined. */
export async function loadRuns(sources: RunsSources): Promise<RunsModel> {
  return (await loadInSteps(sources, {})).complete;
}

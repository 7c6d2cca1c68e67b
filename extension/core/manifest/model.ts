import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PATHS } from '../contract';
import { EtlError } from '../errors';

/** Backup_data/extracted_paths.json as written by src/etl/manifest.py (docs/extraction.md). */
export interface ManifestFile {
  kind: 'trips' | 'zones';
  month: string | null;
  path: string;
  bucket: string;
  key: string;
  source_url: string;
  size: number;
  sha256: string;
  extracted_at: string;
  status: 'uploaded' | 'skipped' | 'replaced';
}

/** The store a run went to (src/etl/store_identity.py): the id of the rawzone bucket's marker `_etl/store.json`. */
export interface ManifestStore {
  id: string;
  endpoint: string;
  /** native, compose or profile:<name>. */
  mode: string;
}

export interface ManifestRun {
  run_id: string;
  step: string;
  status: 'running' | 'succeeded' | 'failed';
  started_at: string;
  ended_at: string | null;
  months: string[];
  source_template: string;
  zones_source: string | null;
  bucket: string;
  minio_endpoint: string;
  /** Older manifests have none. */
  store?: ManifestStore;
  error: string | null;
  files: ManifestFile[];
  /** Only while running: the extractor's process; the next extraction closes the run if it died. */
  owner?: { host: string; pid: number; pid_started: string | null };
}

export interface Manifest {
  schema_version: number;
  updated_at: string | null;
  runs: ManifestRun[];
}

export const MANIFEST_FILE = DEFAULT_PATHS.manifestFile;

/** Same rule as the Python side: $ETL_BACKUP_DIR, else <root>/Backup_data. */
export function manifestPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(root, env.ETL_BACKUP_DIR || DEFAULT_PATHS.backupDir), MANIFEST_FILE);
}

export const emptyManifest = (): Manifest => ({ schema_version: 1, updated_at: null, runs: [] });

export function parseManifest(text: string, source = 'the manifest'): Manifest {
  let document: Manifest;
  try {
    document = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new EtlError(
      `${source} is not valid JSON (${(error as Error).message})`,
      'rerun an extraction, or fix/remove the file',
    );
  }
  if (document?.schema_version !== 1 || !Array.isArray(document.runs)) {
    throw new EtlError(
      `${source} has an unknown format (schema_version ${document?.schema_version})`,
      'see docs/extraction.md for the expected schema',
    );
  }
  return document;
}

/** The manifest, or an empty one when no extraction has run yet. */
export function loadManifest(path: string): Manifest {
  if (!existsSync(path)) return emptyManifest();
  return parseManifest(readFileSync(path, 'utf8'), path);
}

export interface RunSummary {
  runId: string;
  status: ManifestRun['status'];
  startedAt: string;
  endedAt: string | null;
  months: string[];
  fileCount: number;
  bytes: number;
  error: string | null;
  files: ManifestFile[];
  store?: ManifestStore;
}

/** Runs newest first, each with its totals: what the Backup paths view shows. */
export function summarizeRuns(manifest: Manifest): RunSummary[] {
  return manifest.runs
    .map((run) => ({
      runId: run.run_id,
      status: run.status,
      startedAt: run.started_at,
      endedAt: run.ended_at,
      months: run.months,
      fileCount: run.files.length,
      bytes: run.files.reduce((sum, f) => sum + f.size, 0),
      error: run.error,
      files: run.files,
      store: run.store,
    }))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Where a run's files are, as the Backup paths view says it: its store's mode and endpoint (undefined: none). */
export function storeLabel(store: ManifestStore | undefined): string | undefined {
  return store ? `${store.mode} store at ${store.endpoint}` : undefined;
}

/** Unique s3a:// paths of one kind across runs (as etl.manifest.extracted_paths). */
export function extractedPaths(manifest: Manifest, kind: ManifestFile['kind'] = 'trips', runId?: string): string[] {
  const files = manifest.runs.filter((r) => !runId || r.run_id === runId).flatMap((r) => r.files);
  return [...new Set(files.filter((f) => f.kind === kind).map((f) => f.path))].sort();
}

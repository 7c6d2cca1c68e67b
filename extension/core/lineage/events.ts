import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectPaths } from '../paths';

/** The part of an OpenLineage run event the lineage reads (src/etl/lineage/events.py writes them). */
export interface InputField {
  namespace: string;
  name: string;
  field: string;
  transformations?: { type: string; subtype?: string }[];
}

export interface ColumnCode {
  file: string | null;
  line: number | null;
  reads: string[];
}

export interface OutputDataset {
  namespace: string;
  name: string;
  facets?: {
    schema?: { fields?: { name: string; type?: string }[] };
    columnLineage?: { fields: Record<string, { inputFields: InputField[]; transformationDescription?: string }> };
    etlColumnCode?: { columns: Record<string, ColumnCode> };
  };
}

export interface RunEvent {
  eventType: string;
  eventTime: string;
  run: {
    runId: string;
    facets?: {
      tags?: { tags?: { key: string; value: string }[] };
      errorMessage?: { message: string };
      /** The run that started this one (Airflow's task, with its DAG run as root): src/etl/lineage/parent.py. */
      parent?: { job: { namespace: string; name: string }; run: { runId: string } };
    };
  };
  job: { namespace: string; name: string };
  inputs?: { namespace: string; name: string }[];
  outputs?: OutputDataset[];
}

export const TRANSFORM_JOB = { namespace: 'etl-spark', name: 'clean_and_transform' };

/** Where the transform's file transport writes one JSON file per event (<backup dir>/lineage by default). */
export const lineageDir = (paths: Pick<ProjectPaths, 'lineage'>) => paths.lineage;

/** Our run id (the event's `etl.run_id` tag; the OpenLineage run id is a UUID). */
export const etlRunId = (event: RunEvent) => event.run.facets?.tags?.tags?.find((t) => t.key === 'etl.run_id')?.value;

export interface LatestLineage {
  event: RunEvent;
  file: string;
  /** Files that could not be read as an event (a run killed while writing one): named, not fatal. */
  skipped: string[];
}

/** Event files, newest first (by modification time: run ids are free text, file names do not sort by time). */
async function eventFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const files = await Promise.all(
    names
      .filter((name) => name.endsWith('.json'))
      .map(async (name) => ({ file: join(dir, name), mtime: (await stat(join(dir, name))).mtimeMs })),
  );
  return files.sort((a, b) => b.mtime - a.mtime || b.file.localeCompare(a.file)).map((f) => f.file);
}

/** An event file's event; undefined when it is not one (cut short, not JSON). */
async function readEvent(file: string): Promise<RunEvent | undefined> {
  try {
    const event = JSON.parse(await readFile(file, 'utf8')) as RunEvent;
    return event && typeof event === 'object' && event.run && event.job ? event : undefined;
  } catch {
    return undefined;
  }
}

/** The newest COMPLETE event of the transform: the lineage of gold as published now. */
export async function latestComplete(dir: string): Promise<LatestLineage | undefined> {
  const skipped: string[] = [];
  for (const file of await eventFiles(dir)) {
    const event = await readEvent(file);
    if (!event) {
      skipped.push(file);
      continue;
    }
    const { namespace, name } = event.job;
    if (event.eventType === 'COMPLETE' && namespace === TRANSFORM_JOB.namespace && name === TRANSFORM_JOB.name)
      return { event, file, skipped };
  }
  return undefined;
}

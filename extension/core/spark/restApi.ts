import { fetchJson } from '../stack/health';

/** A stage as the driver's monitoring REST API (`/api/v1/applications/<id>/stages`) returns it. */
export interface SparkStage {
  stageId: number;
  attemptId: number;
  status: 'ACTIVE' | 'COMPLETE' | 'PENDING' | 'FAILED' | 'SKIPPED';
  name: string;
  /** The job description the driver set (`write fact_trips 2024-01`), when it set one. */
  description?: string;
  numTasks: number;
  numActiveTasks: number;
  numCompleteTasks: number;
  numFailedTasks: number;
}

export interface SparkProgress {
  stagesDone: number;
  stagesActive: number;
  stagesFailed: number;
  tasksDone: number;
  tasksActive: number;
  tasksFailed: number;
  /** Tasks of the stages seen so far (later stages are not known in advance). */
  tasksSeen: number;
  /** What the running stages do: the job description, else the short call site ("parquet at X.java:0" → "parquet"). */
  active: string[];
}

const FIRST_UI_PORT = 4040;
const UI_PORT_TRIES = 16; // spark.port.maxRetries

export function stagesUrl(uiUrl: string, appId: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/api/v1/applications/${encodeURIComponent(appId)}/stages`;
}

export async function fetchStages(uiUrl: string, appId: string): Promise<SparkStage[] | undefined> {
  return fetchJson<SparkStage[]>(stagesUrl(uiUrl, appId), 1_500);
}

/**
 * The driver UI serving `appId`: the URL the job reported, else the first of 4040, 4041, …
 * (Spark moves to the next port when one is busy) whose REST API lists that application.
 */
export async function findDriverUi(host: string, appId: string, reported?: string): Promise<string | undefined> {
  const candidates = [reported, ...Array.from({ length: UI_PORT_TRIES }, (_, i) => `http://${host}:${FIRST_UI_PORT + i}`)];
  for (const url of candidates) {
    if (!url) continue;
    const apps = await fetchJson<{ id: string }[]>(`${url}/api/v1/applications`, 800);
    if (apps?.some((a) => a.id === appId)) return url;
  }
  return undefined;
}

/** Applications the standalone master is running (`http://<host>:<ui>/json/` activeapps). */
export async function activeApps(masterUiUrl: string): Promise<{ id: string; name: string; state: string }[]> {
  const json = await fetchJson<{ activeapps?: { id: string; name: string; state: string }[] }>(`${masterUiUrl}/json/`);
  return json?.activeapps ?? [];
}

function shortName(name: string): string {
  return name.split(' at ')[0];
}

/** Latest attempt of each stage only, so a retried stage is not counted twice. */
function latestAttempts(stages: SparkStage[]): SparkStage[] {
  const byId = new Map<number, SparkStage>();
  for (const stage of stages) {
    const seen = byId.get(stage.stageId);
    if (!seen || stage.attemptId > seen.attemptId) byId.set(stage.stageId, stage);
  }
  return [...byId.values()];
}

export function summarizeStages(all: SparkStage[]): SparkProgress {
  const stages = latestAttempts(all).filter((s) => s.status !== 'SKIPPED');
  const sum = (pick: (s: SparkStage) => number) => stages.reduce((total, s) => total + pick(s), 0);
  return {
    stagesDone: stages.filter((s) => s.status === 'COMPLETE').length,
    stagesActive: stages.filter((s) => s.status === 'ACTIVE').length,
    stagesFailed: stages.filter((s) => s.status === 'FAILED').length,
    tasksDone: sum((s) => s.numCompleteTasks),
    tasksActive: sum((s) => s.numActiveTasks),
    tasksFailed: sum((s) => s.numFailedTasks),
    tasksSeen: sum((s) => s.numTasks),
    active: [...new Set(stages.filter((s) => s.status === 'ACTIVE').map((s) => s.description ?? shortName(s.name)))],
  };
}

export function describeProgress(p: SparkProgress): string {
  const failed = p.tasksFailed ? `, ${p.tasksFailed} failed (retried)` : '';
  const running = p.active.length ? ` — running: ${p.active.join(', ')}` : '';
  return `stages ${p.stagesDone} done, ${p.stagesActive} active; tasks ${p.tasksDone}/${p.tasksSeen}, ` +
    `${p.tasksActive} running${failed}${running}`;
}

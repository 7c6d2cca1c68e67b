import type { EtlConfig } from '../config';
import { EtlError } from '../errors';

/** The parts of Airflow 3's REST API (/api/v2) the pipeline commands read. */
export interface DagInfo {
  dag_id: string;
  is_paused: boolean;
}

export interface DagRun {
  dag_run_id: string;
  state: string;
  conf?: Record<string, unknown>;
  start_date?: string | null;
  end_date?: string | null;
}

export interface TaskInstance {
  task_id: string;
  state: string | null;
  try_number: number;
  start_date?: string | null;
  end_date?: string | null;
}

export const airflowUrl = (config: EtlConfig) => `http://${config.bindHost}:${config.airflowPort}`;

const HINT_START =
  'start it: `etl up --with airflow` (or ETL: Start Stack with Airflow in ETL_STACK_WITH), or fix AIRFLOW_PORT in .env';

/**
 * A small client of Airflow's REST API. It signs in through /auth/token: the native
 * stack and the compose file run Airflow's simple auth manager with every local
 * visitor an admin, so a plain GET hands out the token.
 */
export class AirflowClient {
  private token?: string;

  constructor(readonly baseUrl: string, private readonly timeoutMs = 15_000) {}

  static of(config: EtlConfig): AirflowClient {
    return new AirflowClient(airflowUrl(config));
  }

  getDag(dagId: string): Promise<DagInfo> {
    return this.call('GET', dagPath(dagId));
  }

  setPaused(dagId: string, paused: boolean): Promise<DagInfo> {
    return this.call('PATCH', dagPath(dagId), { is_paused: paused });
  }

  /** A manual run without logical date (Airflow 3), its parameters in `conf`. */
  triggerRun(dagId: string, conf: Record<string, unknown>): Promise<DagRun> {
    return this.call('POST', dagPath(dagId, 'dagRuns'), { logical_date: null, conf });
  }

  async listRuns(dagId: string, limit = 100): Promise<(DagRun & { run_type: string })[]> {
    const query = `?order_by=-run_after&limit=${limit}`;
    const page = await this.call<{ dag_runs: (DagRun & { run_type: string })[] }>(
      'GET',
      `${dagPath(dagId, 'dagRuns')}${query}`,
    );
    return page.dag_runs;
  }

  getRun(dagId: string, runId: string): Promise<DagRun> {
    return this.call('GET', dagPath(dagId, 'dagRuns', runId));
  }

  async taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
    const page = await this.call<{ task_instances: TaskInstance[] }>(
      'GET',
      dagPath(dagId, 'dagRuns', runId, 'taskInstances'),
    );
    return page.task_instances;
  }

  /** A task try's log as lines ("timestamp level message"). */
  async taskLog(dagId: string, runId: string, taskId: string, tryNumber: number): Promise<string[]> {
    const path = dagPath(dagId, 'dagRuns', runId, 'taskInstances', taskId, 'logs', String(tryNumber));
    const { content } = await this.call<{ content: { timestamp?: string; level?: string; event?: string }[] }>(
      'GET',
      path,
    );
    return content.filter((e) => e.timestamp && e.event).map((e) => `${e.timestamp} ${e.level ?? ''} ${e.event}`);
  }

  /** A task's XCom value (the extract task returns its run as a dict); undefined when it has none. */
  async xcomValue(dagId: string, runId: string, taskId: string, key = 'return_value'): Promise<unknown> {
    const path = dagPath(dagId, 'dagRuns', runId, 'taskInstances', taskId, 'xcomEntries', key);
    try {
      const { value } = await this.call<{ value?: unknown }>('GET', path);
      return typeof value === 'string' && value.startsWith('{') ? JSON.parse(value) : value;
    } catch (error) {
      if (error instanceof EtlError && error.message.includes('HTTP 404')) return undefined;
      throw error;
    }
  }

  /** Clears a task (only if it failed) so the scheduler runs it again; its DAG run goes back to queued. */
  clearFailedTask(dagId: string, runId: string, taskId: string): Promise<unknown> {
    return this.call('POST', dagPath(dagId, 'clearTaskInstances'), {
      dry_run: false,
      dag_run_id: runId,
      task_ids: [taskId],
      only_failed: true,
      reset_dag_runs: true,
      include_downstream: true,
    });
  }

  /** Where the run is shown in the Airflow UI. */
  runUrl(dagId: string, runId: string): string {
    return `${this.baseUrl}/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = this.token ?? (this.token = await this.signIn());
    const response = await this.send(method, path, body, token);
    return (await response.json()) as T;
  }

  private async signIn(): Promise<string> {
    const response = await this.send('GET', '/auth/token');
    const { access_token: token } = (await response.json()) as { access_token?: string };
    if (!token)
      throw new EtlError(
        `Airflow at ${this.baseUrl} gave no API token`,
        'the stack runs Airflow with SIMPLE_AUTH_MANAGER_ALL_ADMINS; check that setting if you changed it',
      );
    return token;
  }

  private async send(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new EtlError(`cannot reach Airflow at ${this.baseUrl} (${cause})`, HINT_START);
    }
    if (response.ok) return response;
    throw new EtlError(
      `Airflow refused ${method} ${path} (HTTP ${response.status}): ${await detailOf(response)}`,
      hintFor(response.status),
    );
  }
}

/** `/api/v2/dags/<dag>/<segment>/…`, each segment URL-encoded (run ids hold `:` and `+`). */
const dagPath = (dagId: string, ...segments: string[]) =>
  ['/api/v2/dags', ...[dagId, ...segments].map(encodeURIComponent)].join('/');

async function detailOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    return typeof detail === 'string' ? detail : JSON.stringify(detail ?? text);
  } catch {
    return text.slice(0, 300);
  }
}

function hintFor(status: number): string {
  if (status === 404)
    return 'Airflow has not loaded etl_pipeline: check dags/ for import errors in the Airflow UI, or wait for the ' +
      'DAG processor';
  if (status === 401 || status === 403)
    return 'Airflow refused the token; the stack expects its simple auth manager with every local visitor an admin';
  return 'see the Airflow service log (.etl/logs/airflow.log natively)';
}

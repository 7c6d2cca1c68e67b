import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import { LOCAL_TARGET, airflowTarget, type AirflowAuth, type AirflowTarget } from './target';

/** The parts of Airflow 3's REST API (/api/v2) the pipeline commands read. */
export interface DagInfo {
  dag_id: string;
  is_paused: boolean;
  /** The logical date of the next scheduled run; null when none is planned. */
  next_dagrun_logical_date?: string | null;
}

export interface DagRun {
  dag_run_id: string;
  state: string;
  conf?: Record<string, unknown>;
  logical_date?: string | null;
  queued_at?: string | null;
  start_date?: string | null;
  end_date?: string | null;
}

/** A DAG run as GET …/dagRuns lists it: with its type (manual, scheduled, backfill, asset_triggered). */
export type ListedDagRun = DagRun & { run_type: string };

/** What happens to a logical date that already has a run (Airflow's ReprocessBehavior). */
export type ReprocessBehavior = 'none' | 'failed' | 'completed';

/** POST /api/v2/backfills (BackfillPostBody; Airflow refuses any other key). */
export interface BackfillBody {
  dag_id: string;
  from_date: string;
  to_date: string;
  run_backwards: boolean;
  dag_run_conf: Record<string, unknown>;
  reprocess_behavior: ReprocessBehavior;
  max_active_runs: number;
}

/** A backfill as Airflow 3.1 answers it (BackfillResponse): completed_at is set once none of its runs is active. */
export interface Backfill {
  id: number;
  dag_id: string;
  from_date: string;
  to_date: string;
  dag_run_conf: Record<string, unknown>;
  is_paused: boolean;
  reprocess_behavior: ReprocessBehavior;
  max_active_runs: number;
  created_at: string;
  completed_at: string | null;
  updated_at?: string;
}

export interface TaskInstance {
  task_id: string;
  state: string | null;
  try_number: number;
  start_date?: string | null;
  end_date?: string | null;
}

/** The active profile's Airflow URL (local: ETL_BIND_HOST and AIRFLOW_PORT). */
export const airflowUrl = (config: EtlConfig) => config.profile.airflow.url;
export { airflowTarget, type AirflowAuth, type AirflowTarget } from './target';

// `etl start airflow` after `etl stop airflow` (the Stack view's Start on its row); `etl up --with airflow` when the
// stack was started without it.
const HINT_START =
  'start it: `etl start airflow` if the rest of the stack runs (Stack view: Start on the Airflow row), else ' +
  '`etl up --with airflow` (or `airflow` in ETL_STACK_WITH in .env, for ETL: Start Stack); or fix AIRFLOW_PORT in .env';

/** Airflow did not take or answer the call: `code` says why (ECONNREFUSED, TimeoutError, ECONNRESET, …). */
export class AirflowUnreachable extends EtlError {
  constructor(where: string, readonly code: string, hint: string) {
    super(`cannot reach ${where} (${code})`, hint);
  }
}

/** A small client of Airflow's REST API (/api/v2), signed in as its target says. */
export class AirflowClient {
  private token?: string;
  /** The variable the token came from, when given as is: a refusal names it. */
  private tokenEnv?: string;

  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 15_000,
    private readonly target: AirflowTarget = LOCAL_TARGET,
  ) {}

  /** The one way to the active profile's Airflow: the CLI, Trigger DAG and the Runs view use it. */
  static of(config: EtlConfig, timeoutMs = 15_000): AirflowClient {
    return new AirflowClient(airflowUrl(config), timeoutMs, airflowTarget(config));
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

  async listRuns(dagId: string, limit = 100): Promise<ListedDagRun[]> {
    const query = `?order_by=-run_after&limit=${limit}`;
    const page = await this.call<{ dag_runs: ListedDagRun[] }>('GET', `${dagPath(dagId, 'dagRuns')}${query}`);
    return page.dag_runs;
  }

  /** The runs whose logical date is within [from, to] (both included), oldest first: a backfill's months. */
  async runsBetween(dagId: string, from: string, to: string, limit = 500): Promise<ListedDagRun[]> {
    const query = new URLSearchParams({
      logical_date_gte: from, logical_date_lte: to, order_by: 'logical_date', limit: String(limit),
    });
    const page = await this.call<{ dag_runs: ListedDagRun[] }>('GET', `${dagPath(dagId, 'dagRuns')}?${query}`);
    return page.dag_runs;
  }

  /** Deletes a DAG run and its task instances (their history goes with them). */
  async deleteRun(dagId: string, runId: string): Promise<void> {
    const token = this.token ?? (this.token = await this.signIn());
    await this.send('DELETE', dagPath(dagId, 'dagRuns', runId), undefined, token); // 204: no body to read
  }

  /** Creates a backfill: Airflow makes its runs (queued) before it answers, the scheduler starts them. */
  createBackfill(body: BackfillBody): Promise<Backfill> {
    return this.call('POST', '/api/v2/backfills', body);
  }

  getBackfill(id: number): Promise<Backfill> {
    return this.call('GET', `/api/v2/backfills/${encodeURIComponent(String(id))}`);
  }

  /** Stops a backfill: its queued runs end failed, its running ones go on; Airflow marks it completed. */
  cancelBackfill(id: number): Promise<Backfill> {
    return this.call('PUT', `/api/v2/backfills/${encodeURIComponent(String(id))}/cancel`);
  }

  /** The DAG's backfills, newest first. */
  async listBackfills(dagId: string, limit = 25): Promise<Backfill[]> {
    const query = new URLSearchParams({ dag_id: dagId, order_by: '-id', limit: String(limit) });
    const page = await this.call<{ backfills: Backfill[] }>('GET', `/api/v2/backfills?${query}`);
    return page.backfills;
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

  /** Where the DAG (its runs, its backfills) is shown in the Airflow UI. */
  dagUrl(dagId: string): string {
    return `${this.baseUrl}/dags/${encodeURIComponent(dagId)}`;
  }

  /** Where the run is shown in the Airflow UI. */
  runUrl(dagId: string, runId: string): string {
    return `${this.baseUrl}/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = this.token ?? (this.token = await this.signIn());
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.send(method, path, body, token);
        return (await response.json()) as T;
      } catch (error) {
        // A read is safe to repeat: the native Airflow's SQLite answers 500 "database is locked" now and then
        // under load, and a reused connection can be cut as the server closes it. A write is not repeated here.
        if (method !== 'GET' || attempt >= GET_ATTEMPTS || !isTransient(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  /** A token to call the API with: the given one, or one /auth/token hands out. */
  private async signIn(): Promise<string> {
    const auth = this.target.auth();
    if (auth.kind === 'token') {
      this.tokenEnv = auth.env;
      return auth.token;
    }
    const response = auth.kind === 'password'
      ? await this.send('POST', '/auth/token', { username: auth.username, password: auth.password }, undefined, auth)
      : await this.send('GET', '/auth/token', undefined, undefined, auth);
    const { access_token: token } = (await response.json()) as { access_token?: string };
    if (!token)
      throw new EtlError(
        `${this.where()} gave no API token`,
        'the stack runs Airflow with SIMPLE_AUTH_MANAGER_ALL_ADMINS; check that setting if you changed it',
      );
    return token;
  }

  /** "Airflow at <url>" or "Airflow (profile team) at <url>": the service and the endpoint. */
  private where(): string {
    return `${this.target.title} at ${this.baseUrl}`;
  }

  /** Signs in, without calling anything else: what `etl status` checks (reachable, authenticated). */
  async checkSignIn(): Promise<string> {
    this.token = await this.signIn();
    // /api/v2/version answers anyone: listing a DAG is what proves the token is accepted.
    await this.call('GET', '/api/v2/dags?limit=1');
    const { version } = await this.call<{ version?: string }>('GET', '/api/v2/version');
    return version ?? 'unknown version';
  }

  private async send(
    method: string, path: string, body?: unknown, token?: string, signingIn?: AirflowAuth,
  ): Promise<Response> {
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
      if (TLS_CODES.has(cause)) {
        throw new EtlError(`${this.where()}: TLS certificate not trusted (${cause})`,
          'Node trusts the system CAs here: add the CA that signed the server\'s certificate to them, or point '
            + 'NODE_EXTRA_CA_CERTS at its PEM file');
      }
      throw new AirflowUnreachable(this.where(), cause,
        this.target.external ? 'check airflow.url in the profile and the network (VPN)' : HINT_START);
    }
    if (response.ok) return response;
    if (signingIn?.kind === 'all-admins' && (response.status === 401 || response.status === 403)) {
      throw new EtlError(`${this.where()} asks for credentials (HTTP ${response.status}): it does not let every `
        + 'visitor in as an admin', this.target.external
        ? 'name the variables that hold them in the profile: airflow.usernameEnv and passwordEnv, or tokenEnv'
        : 'set AIRFLOW_USERNAME and AIRFLOW_PASSWORD in .env as the native Airflow was started with');
    }
    if (signingIn && signingIn.kind !== 'all-admins' && (response.status === 401 || response.status === 403)) {
      throw new EtlError(`${this.where()} refused the credentials in ${signingIn.env} (HTTP ${response.status})`,
        `check ${signingIn.env} (the environment or .env) and that the user exists there`);
    }
    if ((response.status === 401 || response.status === 403) && this.tokenEnv) {
      throw new EtlError(`${this.where()} refused the token from ${this.tokenEnv} (HTTP ${response.status}) for `
        + `${method} ${path}`, `check ${this.tokenEnv}: the token may have expired, or its user lacks the rights`);
    }
    throw new EtlError(
      `${this.target.title} refused ${method} ${path} (HTTP ${response.status}): ${await detailOf(response)}`,
      hintFor(response.status),
    );
  }
}

const GET_ATTEMPTS = 3;
/** A connection cut under a call: worth one more try, unlike a refusal. */
const CUT_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/** A failure worth one more try: the server's own error (5xx) or a connection cut, not a refusal (4xx). */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof EtlError)) return false;
  return /\(HTTP 5\d\d\)/.test(error.message) || (error instanceof AirflowUnreachable && CUT_CODES.has(error.code));
}

/** Node's TLS codes of a certificate it does not trust. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

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

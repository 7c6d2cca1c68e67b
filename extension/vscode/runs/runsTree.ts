import * as vscode from 'vscode';
import type { ServiceStatus } from '../../core/stack/backend';
import { AirflowClient } from '../../core/airflow/client';
import { describeError, type EtlError } from '../../core/errors';
import { isRestoreReport, type RestoreReport } from '../../core/restore/events';
import { describeResult, reportChecks } from '../../core/checks/states';
import { groupBackfills } from '../../core/runs/backfills';
import type { PipelineRun } from '../../core/runs/join';
import { stoppedByChecks } from '../../core/runs/labels';
import { startLoadRuns, type RunsLoad, type RunsModel } from '../../core/runs/load';
import { ReportCache, reportCacheFile } from '../../core/runs/reportCache';
import type { EtlConfig } from '../../core/config';
import { endpointOf, s3Client } from '../../core/s3/client';
import { PathNode } from '../backup/nodes';
import { explainForProfile } from '../common/externalS3';
import type { EtlServices } from '../common/services';
import { minioRunning, type StackWait, stackWaitOf } from '../common/stackWait';
import { BackfillNode } from './backfillNode';
import { DetailNode } from './detailNode';
import { isS3Problem, problemNode } from './problemNode';
import { RunNode } from './runNode';
import { SparkAppNode } from './sparkAppNode';
import { TaskNode } from './taskNode';

/** Airflow is optional: a stopped one must not hold the view for the client's 15 s. */
const AIRFLOW_TIMEOUT_MS = 3_000;

/** A restore's tables: each one's version before, the version restored, and whether it was (a partial failure). */
function restoredTablesNode(runId: string, report: RestoreReport): DetailNode {
  const nodes = Object.entries(report.tables ?? {}).map(([table, t]) => {
    const restored = report.restored?.includes(table);
    const what = restored ? `v${t.from ?? '?'} → v${t.to} (now v${t.restored_version ?? '?'})` : 'not restored';
    return new DetailNode(table, what, restored ? 'history' : 'error', `runs:restored:${runId}:${table}`);
  });
  return new DetailNode('Tables restored', `before run ${report.before_run}`, 'history', `runs:restored:${runId}`,
    nodes);
}

/** Why a run the checks stopped published nothing: each failed error check, what it measured and the bound. */
function stoppedByChecksNode(run: PipelineRun): DetailNode {
  const failed = (reportChecks(run.transform) ?? []).filter((c) => c.status === 'fail' && c.severity === 'error');
  const nodes = failed.map((c) => {
    const node = new DetailNode(c.name, describeResult(c), 'error', `runs:checks:${run.id}:${c.name}`);
    node.tooltip = `${c.name} (${c.table}): ${describeResult(c)}`;
    return node;
  });
  return new DetailNode('Stopped by checks', 'before any write: nothing published', 'shield', `runs:checks:${run.id}`,
    nodes);
}

const firstLine = (error: unknown) => describeError(error).split('\n')[0];

/** While reports are read after the first paint: how many are left (the rows say which may still change). */
function readingNodes(model: RunsModel): vscode.TreeItem[] {
  if (!model.unread) return [];
  const node = new DetailNode('Reading quality reports…', `${model.unread.toLocaleString('en-US')} left`,
    'loading~spin', 'runs:reading');
  return [node];
}

/** The Runs view: every pipeline run, newest first (extension/core/runs joins the sources). */
export class RunsTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The reports read so far, per store (a profile switch changes it), kept on disk for the next window. */
  private cache: ReportCache | undefined;
  model: RunsModel = { runs: [], problems: [], airflow: false, backfills: [], unread: 0 };
  /** The load whose model is shown; a newer one aborts it (it reads no more reports). */
  private current: { abort: AbortController; complete: Promise<RunsModel> } | undefined;
  /** The next root getChildren shows the model as it is: the current load fired with reports read meanwhile. */
  private repaint = false;
  /** Set while the reports cannot be read because MinIO is stopped or starting (the problem row says which). */
  wait: StackWait | undefined;

  constructor(private readonly services: EtlServices) {}

  /** Loads again (the Refresh command, a run finished): the next root getChildren starts a new load. */
  refresh(): void {
    this.current?.abort.abort(); // its repaints would show the model this refresh replaces
    this.current = undefined;
    this.repaint = false;
    this.changed.fire();
  }

  /** The Stack view read the stack: a row that waits for MinIO gives way to the transforms once it runs. */
  stackChanged(statuses: ServiceStatus[]): void {
    if (this.wait && minioRunning(statuses)) this.refresh();
  }

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  airflow(): AirflowClient {
    return AirflowClient.of(this.services.project(), AIRFLOW_TIMEOUT_MS);
  }

  /** Every run, each report read: the load in progress finished, or a new one when the view was never opened. */
  async runs(): Promise<PipelineRun[]> {
    if (this.current) await this.current.complete.catch(() => undefined);
    else await this.load();
    return this.model.runs;
  }

  /** Loads to the end (every report read, Airflow joined): commands and tests that need the whole model. */
  async load(): Promise<RunsModel> {
    await this.start();
    return (this.current as NonNullable<typeof this.current>).complete;
  }

  /**
   * Starts a load and shows its first model (the listing, the cached reports, the manifest); the reports not
   * cached are read in the background, the view repainting a few times as they arrive, then once complete.
   */
  private async start(): Promise<RunsModel> {
    this.current?.abort.abort();
    this.current = undefined;
    const config = this.services.project();
    const s3 = s3Client(config, await this.services.credentials());
    const explainS3 = (error: EtlError) => explainForProfile(error, config.profile);
    const abort = new AbortController();
    const sources = { config, s3, airflow: this.airflow(), cache: this.cacheOf(config), explainS3 };
    const show = (model: RunsModel) => {
      if (this.current?.abort !== abort) return; // a newer load owns the view
      this.model = model;
      this.repaint = true;
      this.changed.fire();
    };
    const load: RunsLoad = await startLoadRuns(sources, { onProgress: show, signal: abort.signal });
    const complete = load.complete.then((model) => {
      show(model);
      return model;
    });
    complete.catch((error) => show({ ...this.model, unread: 0, problems: [...this.model.problems, firstLine(error)] }));
    this.current = { abort, complete };
    this.model = load.first;
    return load.first;
  }

  private cacheOf(config: EtlConfig): ReportCache {
    const file = reportCacheFile(config.paths.state, endpointOf(config), config.buckets.gold);
    if (this.cache?.file !== file) this.cache = new ReportCache(file);
    return this.cache;
  }

  async getChildren(item?: vscode.TreeItem): Promise<vscode.TreeItem[]> {
    if (item instanceof RunNode) return this.partsOf(item.run);
    if (item instanceof BackfillNode) return item.months();
    if (item instanceof DetailNode) return item.children;
    if (item || !this.services.hasProject()) return [];
    try {
      if (!this.repaint) await this.start();
      this.repaint = false;
    } catch (error) {
      const node = new vscode.TreeItem(describeError(error).split('\n')[0]);
      node.tooltip = describeError(error);
      node.iconPath = new vscode.ThemeIcon('error');
      node.command = { command: 'etlSpark.refresh', title: 'Retry' };
      return [node];
    }
    return this.rootNodes();
  }

  /** The rows of the model as it is (no load): runs newest first, a row while reports are read, problems. */
  async rootNodes(): Promise<vscode.TreeItem[]> {
    await vscode.commands.executeCommand('setContext', 'etlSpark.runs.empty', this.model.runs.length === 0);
    const wait = this.model.problems.some(isS3Problem) ? await stackWaitOf(this.services, 'Runs') : undefined;
    this.wait = wait;
    const problems = this.model.problems.map((p, i) => problemNode(p, i, isS3Problem(p) ? wait : undefined));
    // A backfill's months under one node (extension/core/runs/backfills.ts); every other run a row of its own.
    const entries = groupBackfills(this.model.runs, this.model.backfills);
    const rows = entries.map((e) => (e.kind === 'run' ? new RunNode(e.run) : new BackfillNode(e.group)));
    return [...rows, ...readingNodes(this.model), ...problems];
  }

  private async partsOf(run: PipelineRun): Promise<vscode.TreeItem[]> {
    const parts: vscode.TreeItem[] = [];
    if (stoppedByChecks(run)) parts.push(stoppedByChecksNode(run));
    if (run.transform?.app_id) parts.push(new SparkAppNode(run.id, run.transform.app_id));
    if (run.dagRun) parts.push(await this.tasksOf(run));
    const files = run.extract?.files ?? [];
    if (files.length) {
      const nodes = files.map((f) => new PathNode(run.extract?.run_id ?? run.id, f));
      parts.push(new DetailNode('Files', `${files.length} extracted`, 'files', `runs:files:${run.id}`, nodes));
    }
    if (isRestoreReport(run.transform)) parts.push(restoredTablesNode(run.id, run.transform));
    const tables = isRestoreReport(run.transform)
      ? []
      : (Object.entries(run.transform?.tables ?? {}) as [string, string[]][]);
    if (tables.length) {
      const nodes = tables.map(
        ([table, months]) =>
          new DetailNode(
            table,
            months.length ? months.join(', ') : 'whole table',
            'table',
            `runs:table:${run.id}:${table}`,
          ),
      );
      parts.push(new DetailNode('Tables written', `${tables.length}`, 'database', `runs:tables:${run.id}`, nodes));
    }
    if (run.consumes.length)
      parts.push(new DetailNode('Read extraction runs', run.consumes.join(', '), 'references', `runs:reads:${run.id}`));
    if (run.extract?.error)
      parts.push(new DetailNode('Extraction failed', run.extract.error, 'error', `runs:error:${run.id}`));
    return parts;
  }

  private async tasksOf(run: PipelineRun): Promise<vscode.TreeItem> {
    const dagRun = run.dagRun as NonNullable<PipelineRun['dagRun']>;
    const id = `runs:tasks:${run.id}`;
    try {
      const tasks = await this.airflow().taskInstances(dagRun.dagId, dagRun.dagRunId);
      const nodes = tasks.map((t) => new TaskNode(dagRun.dagId, dagRun.dagRunId, t));
      return new DetailNode(
        `Airflow ${dagRun.dagId}`,
        `${dagRun.state} · ${tasks.length} tasks`,
        'server-process',
        id,
        nodes,
      );
    } catch (error) {
      return new DetailNode(`Airflow ${dagRun.dagId}`, describeError(error).split('\n')[0], 'warning', id);
    }
  }
}

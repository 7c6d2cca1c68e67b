import * as vscode from 'vscode';
import type { ServiceStatus } from '../../core/stack/backend';
import { AirflowClient } from '../../core/airflow/client';
import { describeError, type EtlError } from '../../core/errors';
import { isRestoreReport, type RestoreReport } from '../../core/restore/events';
import { describeResult, reportChecks } from '../../core/checks/states';
import { groupBackfills } from '../../core/runs/backfills';
import type { PipelineRun } from '../../core/runs/join';
import { stoppedByChecks } from '../../core/runs/labels';
import { loadRuns, type RunsModel } from '../../core/runs/load';
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

/** The Runs view: every pipeline run, newest first (extension/core/runs joins the sources). */
export class RunsTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The reports read so far, per store (a profile switch changes it), kept on disk for the next window. */
  private cache: ReportCache | undefined;
  model: RunsModel = { runs: [], problems: [], airflow: false, backfills: [] };
  /** Set while the reports cannot be read because MinIO is stopped or starting (the problem row says which). */
  wait: StackWait | undefined;

  constructor(private readonly services: EtlServices) {}

  refresh(): void {
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

  /** The model as last shown, loaded now when the view has not been opened yet. */
  async runs(): Promise<PipelineRun[]> {
    if (!this.model.runs.length) await this.load();
    return this.model.runs;
  }

  async load(): Promise<RunsModel> {
    const config = this.services.project();
    const s3 = s3Client(config, await this.services.credentials());
    const explainS3 = (error: EtlError) => explainForProfile(error, config.profile);
    this.model = await loadRuns({ config, s3, airflow: this.airflow(), cache: this.cacheOf(config), explainS3 });
    return this.model;
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
      await this.load();
    } catch (error) {
      const node = new vscode.TreeItem(describeError(error).split('\n')[0]);
      node.tooltip = describeError(error);
      node.iconPath = new vscode.ThemeIcon('error');
      node.command = { command: 'etlSpark.refresh', title: 'Retry' };
      return [node];
    }
    await vscode.commands.executeCommand('setContext', 'etlSpark.runs.empty', this.model.runs.length === 0);
    const wait = this.model.problems.some(isS3Problem) ? await stackWaitOf(this.services, 'Runs') : undefined;
    this.wait = wait;
    const problems = this.model.problems.map((p, i) => problemNode(p, i, isS3Problem(p) ? wait : undefined));
    // A backfill's months under one node (extension/core/runs/backfills.ts); every other run a row of its own.
    const entries = groupBackfills(this.model.runs, this.model.backfills);
    const rows = entries.map((e) => (e.kind === 'run' ? new RunNode(e.run) : new BackfillNode(e.group)));
    return [...rows, ...problems];
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

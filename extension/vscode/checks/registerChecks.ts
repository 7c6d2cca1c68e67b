import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ServiceStatus } from '../../core/stack/backend';
import type { EtlServices } from '../common/services';
import { minioRunning } from '../common/stackWait';
import { ChecksTesting } from './checksTesting';
import { showLastTransform } from './lastTransform';
import { runChecksHandler } from './runChecksHandler';

/** Steps after which gold's last transform may be another one. */
const WRITES_GOLD = new Set(['transform', 'restore']);

export interface ChecksArea {
  testing: ChecksTesting;
  runProfile: vscode.TestRunProfile;
  /** Reads config/checks.yaml again (the items) and the last transform's report (its results, once per transform). */
  refresh(): Promise<void>;
  /** The Stack view read the stack: when MinIO runs and gold's reports could not be read yet, read them. */
  stackChanged(statuses: ServiceStatus[]): void;
}

/**
 * The checks in VS Code: the "ETL checks" TestController (Testing view) with its Run profile, the Problems of failed
 * checks, kept in step with config/checks.yaml and with the transforms.
 */
export function registerChecks(context: vscode.ExtensionContext, services: EtlServices): ChecksArea {
  const testing = new ChecksTesting(services);
  const { controller } = testing;
  const runProfile = controller.createRunProfile(
    'Run check (etl check)',
    vscode.TestRunProfileKind.Run,
    async (request, token) => {
      testing.lastRun = await runChecksHandler(testing, request, token);
    },
    true,
  );
  const log = (what: string) => (error: unknown) => services.diagnostics.warn(`checks: ${what}: ${String(error)}`);
  const refreshFile = () => void testing.refresh().catch(log('config/checks.yaml not read'));
  // One read at a time; asked again while one runs (a transform ended meanwhile), it reads once more after it.
  let reading: Promise<void> | undefined;
  let again = false;
  const readLastTransform = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        await showLastTransform(testing).catch(log("the last transform's results not shown"));
      } while (again);
    })().finally(() => (reading = undefined));
    return reading;
  };
  controller.resolveHandler = async (item) => {
    if (!item) await testing.refresh();
  };
  // Refresh: the file again, and a transform that ended since (a result of a later run of a check is kept).
  controller.refreshHandler = async () => {
    await testing.refresh();
    await readLastTransform();
  };

  // The file changes on disk (saved, switched branch, written by a tool): the items and the Problems' lines follow.
  let debounce: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(debounce);
    debounce = setTimeout(refreshFile, 150);
  };
  const uri = testing.uri;
  if (uri) {
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(dirname(uri.fsPath)), 'checks.yaml'),
    );
    context.subscriptions.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed),
      watcher.onDidDelete(changed));
  }

  // A transform (or a restore) ended, whatever its outcome (stopped by the checks included): show its results.
  let writing = false;
  context.subscriptions.push(
    testing,
    runProfile,
    { dispose: () => clearTimeout(debounce) },
    services.onStepChanged(() => {
      const now = services.runningSteps.some((step) => WRITES_GOLD.has(step));
      if (writing && !now) void readLastTransform();
      writing = now;
    }),
  );

  if (services.hasProject()) {
    refreshFile();
    void readLastTransform();
  }
  return {
    testing,
    runProfile,
    refresh: async () => {
      await testing.refresh().catch(log('config/checks.yaml not read'));
      await readLastTransform();
    },
    stackChanged: (statuses) => {
      if (!testing.lastTransformRead && minioRunning(statuses)) void readLastTransform();
    },
  };
}

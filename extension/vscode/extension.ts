import * as vscode from 'vscode';
import { registerBackup } from './backup/registerBackup';
import { registerBuckets } from './buckets/registerBuckets';
import { registerChecks } from './checks/registerChecks';
import { EtlServices } from './common/services';
import { hasOldSettings, migrateOldSettings } from './common/settingsMigration';
import { EtlStatusBar } from './common/statusBar';
import { registerGold } from './gold/registerGold';
import { registerLineage } from './lineage/registerLineage';
import { registerLogs } from './logs/registerLogs';
import { registerPreview } from './preview/registerPreview';
import { registerProfile } from './profile/registerProfile';
import { registerRuns } from './runs/registerRuns';
import { registerStack } from './stack/registerStack';
import { registerSteps } from './steps/registerSteps';

/** Only wiring: each area registers its own views and commands. Returns handles the extension-host tests inspect. */
export async function activate(context: vscode.ExtensionContext) {
  const services = new EtlServices(context);
  // Settings of the `etl.` namespace move to `etlSpark.` before anything reads them (awaited only when present):
  // once per user, writing the settings files, so it is timed apart from the registration below.
  const migrating = performance.now();
  if (hasOldSettings()) await migrateOldSettings((note) => services.diagnostics.info(note));
  const migrationMs = performance.now() - migrating;
  const started = performance.now();
  const stack = registerStack(context, services);
  const buckets = registerBuckets(context, services);
  const backup = registerBackup(context, services, buckets);
  const logs = registerLogs(context, services);
  const runs = registerRuns(context, services);
  const gold = registerGold(context, services);
  const lineage = registerLineage(context, services);
  const stepProblems = registerSteps(context, services);
  const preview = registerPreview(context, services);
  const checks = registerChecks(context, services);
  const statusBar = new EtlStatusBar(services, () => stack.reads);
  const profileBar = registerProfile(context, services);
  context.subscriptions.push(
    statusBar,
    // Another profile places the services elsewhere: every view reads them again.
    services.onProfileChanged(() => void vscode.commands.executeCommand('etlSpark.refresh')),
    stack.onStatus((s) => statusBar.updateStack(s)),
    stack.onStatus((s) => buckets.stackChanged(s)),
    stack.onStatus((s) => gold.tree.stackChanged(s)),
    stack.onStatus((s) => runs.stackChanged(s)),
    stack.onStatus((s) => checks.stackChanged(s)),
    vscode.commands.registerCommand('etlSpark.refresh', () => {
      stack.refresh();
      buckets.refresh();
      backup.refresh();
      runs.refresh();
      gold.tree.refresh();
      void checks.refresh();
    }),
    vscode.commands.registerCommand('etlSpark.showStatus', () => stack.refresh()),
  );
  void vscode.commands.executeCommand('setContext', 'etlSpark.hasProject', services.hasProject());
  // The views and palette entries show only in an ETL Spark project (a task or an etl-spark-s3 link may activate
  // the extension elsewhere).
  void vscode.commands.executeCommand('setContext', 'etlSpark.projectFolder', services.isProjectFolder());
  const activationMs = performance.now() - started;
  services.diagnostics.info(
    `activated in ${activationMs.toFixed(1)} ms (old settings moved in ${migrationMs.toFixed(1)} ms)`,
  );
  return {
    services,
    stack,
    buckets,
    backup,
    logs,
    runs,
    gold,
    lineage,
    preview,
    stepProblems,
    checks,
    statusBar,
    profileBar,
    activationMs,
    migrationMs,
  };
}

export type EtlExtensionApi = Awaited<ReturnType<typeof activate>>;

export function deactivate(): void {}

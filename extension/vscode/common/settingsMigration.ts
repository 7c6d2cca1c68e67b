import * as vscode from 'vscode';

/** The settings ETL Spark declared under `etl.` before it took its own namespace (`etlSpark.`). */
export const RENAMED_SETTINGS = [
  'stack.mode', 'stack.with', 'logs.source', 'logs.elasticsearchIndex', 'logs.step', 'logs.levels', 'logs.showHistory',
] as const;

// A function, not a module constant: the bundle's modules load before activate() (benchmarks load them with a stub).
const targets = () => [
  ['globalValue', vscode.ConfigurationTarget.Global],
  ['workspaceValue', vscode.ConfigurationTarget.Workspace],
  ['workspaceFolderValue', vscode.ConfigurationTarget.WorkspaceFolder],
] as const;

/** Whether any old `etl.` setting still holds a value (cheap: activation awaits the migration only then). */
export function hasOldSettings(): boolean {
  const old = vscode.workspace.getConfiguration('etl');
  return RENAMED_SETTINGS.some((key) => targets().some(([field]) => old.inspect(key)?.[field] !== undefined));
}

/**
 * Once per value: an `etl.<key>` a user set is written as `etlSpark.<key>` at the same level (unless the new key
 * is set there already) and removed; each move is noted in the ETL output.
 */
export async function migrateOldSettings(note: (message: string) => void): Promise<void> {
  const old = vscode.workspace.getConfiguration('etl');
  const current = vscode.workspace.getConfiguration('etlSpark');
  for (const key of RENAMED_SETTINGS) {
    for (const [field, target] of targets()) {
      const value = old.inspect(key)?.[field];
      if (value === undefined) continue;
      try {
        if (current.inspect(key)?.[field] === undefined) await current.update(key, value, target);
        await old.update(key, undefined, target);
        note(`settings: etl.${key} is now etlSpark.${key}; your value ${JSON.stringify(value)} moved there`);
      } catch (error) {
        note(`settings: could not move etl.${key} to etlSpark.${key} (${String(error)}); set etlSpark.${key} ` +
          'yourself and remove the old key');
      }
    }
  }
}

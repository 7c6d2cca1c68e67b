import * as vscode from 'vscode';
import type { CodeProblems } from '../common/codeProblems';

/** tasks.json: { "type": "etlSpark", "step": "extract", "months": "2024-01..2024-02", "sample": true } */
interface EtlTaskDefinition extends vscode.TaskDefinition {
  step: 'startStack' | 'stopStack' | 'extract' | 'transform' | 'pipeline';
  months?: string;
  sample?: boolean;
}

const COMMANDS: Record<EtlTaskDefinition['step'], string> = {
  startStack: 'etlSpark.startStack',
  stopStack: 'etlSpark.stopStack',
  extract: 'etlSpark.extract',
  transform: 'etlSpark.transform',
  pipeline: 'etlSpark.runPipeline',
};

/**
 * A task whose "terminal" runs the extension command, so tasks chain (dependsOn) and bind to keys. A fault of the
 * code is printed as `error: FILE:LINE: message`, which the `$etlSpark` problem matcher puts in the Problems panel.
 */
function taskFor(
  definition: EtlTaskDefinition, scope: vscode.WorkspaceFolder | vscode.TaskScope, problems: CodeProblems,
): vscode.Task {
  const execution = new vscode.CustomExecution(async () => {
    const written = new vscode.EventEmitter<string>();
    const closed = new vscode.EventEmitter<number>();
    return {
      onDidWrite: written.event,
      onDidClose: closed.event,
      open: async () => {
        written.fire(`ETL: ${definition.step}\r\n`);
        const args =
          definition.step === 'extract' && definition.months
            ? [{ months: definition.months, source: definition.sample === false ? undefined : { sample: true } }]
            : [];
        const result = await vscode.commands.executeCommand(COMMANDS[definition.step], ...args).then(
          (r) => r,
          (e: unknown) => e,
        );
        const failed = result === false || result === undefined || result instanceof Error;
        const problem = failed ? problems.last : undefined;
        if (problem) written.fire(`error: ${problem.file}:${problem.line}: ${problem.message}\r\n`);
        written.fire(failed && definition.step !== 'stopStack' ? 'failed or cancelled\r\n' : 'done\r\n');
        closed.fire(failed && definition.step !== 'stopStack' ? 1 : 0);
      },
      close: () => undefined,
    };
  });
  return new vscode.Task(definition, scope, definition.step, 'etlSpark', execution, ['$etlSpark']);
}

export function registerTaskProvider(context: vscode.ExtensionContext, problems: CodeProblems): void {
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider('etlSpark', {
      provideTasks: () => {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) return [];
        const steps: EtlTaskDefinition[] = [
          { type: 'etlSpark', step: 'startStack' },
          { type: 'etlSpark', step: 'extract', months: '2024-01..2024-02', sample: true },
          { type: 'etlSpark', step: 'transform' },
          { type: 'etlSpark', step: 'pipeline' },
          { type: 'etlSpark', step: 'stopStack' },
        ];
        return steps.map((d) => taskFor(d, folder, problems));
      },
      resolveTask: (task) =>
        taskFor(task.definition as EtlTaskDefinition, task.scope ?? vscode.TaskScope.Workspace, problems),
    }),
  );
}

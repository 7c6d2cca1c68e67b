import * as vscode from 'vscode';
import type { PreviewSource } from '../../core/preview/run';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { openDevNotebookCommand } from './openDevNotebook';
import { previewChangeCommand } from './previewChange';
import { PreviewPanel } from './previewPanel';
import { PreviewProblems } from './problems';

/** Preview Change (palette, and the editor title of the transform's files) and the dev notebook. */
export function registerPreview(context: vscode.ExtensionContext, services: EtlServices) {
  const problems = new PreviewProblems();
  context.subscriptions.push(
    problems,
    vscode.commands.registerCommand(
      'etlSpark.previewChange',
      // From the editor title the argument is the file's Uri, not a source: the default input then.
      guarded(services, (source?: PreviewSource | vscode.Uri) =>
        previewChangeCommand(services, problems, source instanceof vscode.Uri ? {} : (source ?? {})),
      ),
    ),
    vscode.commands.registerCommand(
      'etlSpark.openDevNotebook', guarded(services, () => openDevNotebookCommand(services)),
    ),
  );
  // `shownPanel`: the extension-host tests reach the panel through the API (their bundle has its own module copies).
  return { problems, shownPanel: () => PreviewPanel.shown };
}

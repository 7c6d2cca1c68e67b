import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { EtlServices } from '../common/services';

/** The dev notebook's template: src/etl/dev/notebook.py, runnable in place (`python src/etl/dev/notebook.py`). */
export const NOTEBOOK_TEMPLATE = join('src', 'etl', 'dev', 'notebook.py');
/** Where Open Dev Notebook writes it, once; the user's copy is theirs to edit. */
export const NOTEBOOK_FILE = join('notebooks', 'transform_dev.py');

/**
 * ETL: Open Dev Notebook — a `# %%` Python file wired to the dev session (cells: a rawzone month, a gold table,
 * the transform's own functions on them), written once from the template and opened.
 */
export async function openDevNotebookCommand(services: EtlServices): Promise<vscode.TextEditor> {
  const root = services.project().paths.root;
  const target = join(root, NOTEBOOK_FILE);
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(root, NOTEBOOK_TEMPLATE), target);
    services.diagnostics.info(`dev notebook written: ${target}`);
  }
  return vscode.window.showTextDocument(vscode.Uri.file(target));
}

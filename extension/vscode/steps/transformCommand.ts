import * as vscode from 'vscode';
import type { EtlServices } from '../common/services';

/**
 * ETL: Transform. The transform runner (extension/core/transform) belongs to the
 * Spark work and does not exist yet; the command is registered so key bindings,
 * tasks and the pipeline already point at it, and says so plainly.
 */
export async function transformCommand(services: EtlServices): Promise<boolean> {
  const message = 'ETL: Transform is not available yet — the Spark transform runner (extension/core/transform) has not landed. Run the extraction now; the transform command will start the Spark job once it exists.';
  services.diagnostics.warn(message);
  void vscode.window.showWarningMessage(message);
  return false;
}

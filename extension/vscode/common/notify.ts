import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { EtlServices } from './services';

/** Every command's error ends here: one notification, one diagnostics line, never an unhandled rejection. */
export function reportError(services: EtlServices, error: unknown, prefix = 'ETL'): void {
  const text = describeError(error);
  services.lastError = text;
  services.diagnostics.error(text);
  void vscode.window.showErrorMessage(`${prefix}: ${text.replace(/\n\s*→ /, ' — ')}`);
}

export function guarded<A extends unknown[]>(
  services: EtlServices,
  run: (...args: A) => Promise<unknown>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      reportError(services, error);
    }
  };
}

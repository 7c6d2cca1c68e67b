import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { EtlServices } from './services';

/**
 * Every command's error ends here: one notification, one diagnostics line, never an unhandled rejection.
 * `actions`: the notification's buttons; the returned promise says which one was clicked.
 */
export function reportError(
  services: EtlServices, error: unknown, prefix = 'ETL', ...actions: string[]
): Thenable<string | undefined> {
  const text = describeError(error);
  services.lastError = text;
  services.diagnostics.error(text);
  return vscode.window.showErrorMessage(`${prefix}: ${text.replace(/\n\s*→ /, ' — ')}`, ...actions);
}

export function guarded<A extends unknown[], R>(
  services: EtlServices,
  run: (...args: A) => Promise<R>,
): (...args: A) => Promise<R | undefined> {
  // The result goes back to whoever ran the command (the extension-host tests read it); a user sees none.
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (error) {
      reportError(services, error);
      return undefined;
    }
  };
}

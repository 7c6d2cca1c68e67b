import * as vscode from 'vscode';
import type { ServiceStatus } from '../../core/stack/stack';
import type { EtlServices } from './services';

/** "ETL: stack up · extract…" — the stack's state and the running step. */
export class EtlStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('etl.status', vscode.StatusBarAlignment.Left, 10);
  private stack = 'stack ?';

  constructor(private readonly services: EtlServices) {
    this.item.name = 'ETL';
    this.item.command = 'etl.showLogs';
    services.onStepChanged(() => this.render());
    this.render();
    this.item.show();
  }

  updateStack(statuses: ServiceStatus[]): void {
    const running = statuses.filter((s) => s.state === 'running').length;
    this.stack = running === 0 ? 'stack down' : running === statuses.length ? 'stack up' : `stack ${running}/${statuses.length}`;
    this.render();
  }

  private render(): void {
    const step = this.services.runningStep;
    this.item.text = step ? `$(sync~spin) ETL: ${this.stack} · ${step}…` : `$(server-process) ETL: ${this.stack}`;
    this.item.tooltip = step ? `Running: ${step}. Click for the ETL logs.` : 'ETL stack state. Click for the ETL logs.';
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}

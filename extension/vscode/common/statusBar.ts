import * as vscode from 'vscode';
import type { ServiceStatus } from '../../core/stack/stack';
import { replacedByExternal } from '../profile/profileText';
import type { EtlServices } from './services';

/** "ETL: stack up · extract…" — the stack's state and the running step. */
export class EtlStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('etlSpark.status', vscode.StatusBarAlignment.Left, 10);
  private stack = 'stack …';

  /** `stackViewReads`: true while the Stack view reads the state itself (its onStatus then calls updateStack). */
  constructor(
    private readonly services: EtlServices,
    private readonly stackViewReads: () => boolean,
  ) {
    this.item.name = 'ETL';
    this.item.command = 'etlSpark.showLogs';
    services.onStepChanged(() => {
      this.render();
      // A step may have started or stopped services: one read of the state, the view's when it is visible.
      if (!services.runningSteps.length && !this.stackViewReads()) void this.readStack();
    });
    this.render();
    this.item.show();
    void this.readStack();
  }

  /**
   * The Stack view reads the state only while it is visible: the bar reads it itself at activation and after each
   * step, so a user who has not opened the ETL view sees it too (it said "stack ?" until the view was opened). While
   * the view is visible the bar leaves the reading to it; at activation, the two may ask at once and share one read.
   */
  private async readStack(): Promise<void> {
    if (!this.services.hasProject()) {
      this.item.hide(); // not an ETL project (a task activated the extension): no stack to speak of
      return;
    }
    this.item.show();
    try {
      const { profile } = this.services.project();
      const statuses = (await this.services.stackStatus())
        .filter((s) => s.state !== 'stopped' || !replacedByExternal(s.name, profile));
      this.updateStack(statuses);
    } catch {
      this.stack = 'stack unknown';
      this.render();
      this.item.tooltip = 'The stack\'s state could not be read: open the ETL view (Stack) to see why.';
    }
  }

  /**
   * Optional services a user did not ask for stay stopped in a healthy stack, so "up" counts what
   * runs; a service starting or unhealthy is named, since that is what the user waits for or fixes.
   */
  updateStack(statuses: ServiceStatus[]): void {
    const count = (state: ServiceStatus['state']) => statuses.filter((s) => s.state === state).length;
    const [running, starting, unhealthy] = [count('running'), count('starting'), count('unhealthy')];
    if (starting) this.stack = `stack starting (${running}/${running + starting} up)`;
    else if (unhealthy) this.stack = `stack: ${unhealthy} unhealthy`;
    else if (running) this.stack = `stack up (${running} services)`;
    // No local service at all: the active profile places every one elsewhere (the Stack view lists them).
    else this.stack = statuses.length ? 'stack down' : 'nothing local';
    this.render();
  }

  private render(): void {
    // "stack starting" already says what the Start Stack step would.
    const steps = this.services.runningSteps.filter(
      (s) => !(s === 'starting the stack' && this.stack.startsWith('stack starting')),
    );
    const step = steps.length ? steps.join(' · ') : undefined;
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

import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { profileChoices } from '../../core/profiles/choice';
import type { EtlServices } from '../common/services';
import { workspaceRoot } from '../stack/project';
import { brokenProfileTooltip, profileStatusText, profileTooltip } from './profileText';

/** "$(cloud) team" / "$(server) local": the active profile, the tooltip says where each service is; click: switch. */
export class ProfileStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('etlSpark.profile', vscode.StatusBarAlignment.Left, 11);

  constructor(private readonly services: EtlServices) {
    this.item.name = 'ETL Profile';
    this.item.command = 'etlSpark.switchProfile';
    services.onProfileChanged(() => this.render());
    this.render();
  }

  render(): void {
    if (!this.services.hasProject()) return this.renderBroken();
    const { profile } = this.services.project();
    this.item.text = profileStatusText(profile);
    this.item.tooltip = profileTooltip(profile);
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  /** The active profile cannot be resolved (unknown name, invalid file): its name, a warning, the reason. */
  private renderBroken(): void {
    if (!vscode.workspace.workspaceFolders?.length) return this.item.hide();
    let name = '?';
    try {
      name = profileChoices(workspaceRoot()).active;
    } catch {
      // The profile file itself is invalid: the reason below says so.
    }
    let reason = 'the project cannot be read';
    try {
      this.services.project();
    } catch (error) {
      reason = describeError(error);
    }
    this.item.text = `$(warning) ${name}`;
    this.item.tooltip = brokenProfileTooltip(name, reason);
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '');
  }

  dispose(): void {
    this.item.dispose();
  }
}

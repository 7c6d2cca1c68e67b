import * as vscode from 'vscode';
import type { EtlConfig } from '../../core/config';
import type { EtlServices } from '../common/services';
import type { ServiceNode } from './serviceNode';

export type UiName = 'minio' | 'spark' | 'kibana' | 'airflow';

export function uiUrl(config: EtlConfig, name: UiName): string {
  const host = config.bindHost;
  const port = { minio: config.minio.consolePort, spark: config.spark.masterUiPort, kibana: config.kibanaPort, airflow: config.airflowPort }[name];
  return `http://${host}:${port}`;
}

/** Opens a service UI in the browser (a node's own URL, or one of the named UIs). */
export async function openUi(services: EtlServices, target: UiName | ServiceNode): Promise<void> {
  const url = typeof target === 'string' ? uiUrl(services.project(), target) : target.service.url;
  services.diagnostics.info(`opening ${url}`);
  await vscode.env.openExternal(vscode.Uri.parse(url));
}

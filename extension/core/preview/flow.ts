import type { EtlConfig } from '../config';
import type { GoldCatalog } from '../gold/catalog';
import type { Reporter } from '../reporter';
import { checkRunId } from '../runId';
import { endpointOf } from '../s3/client';
import { explainS3Error } from '../s3/errors';
import type { Stack } from '../stack/backend';
import { comparePreview, loadGold, type PreviewDiff } from './compare';
import type { PreviewEvent } from './events';
import { runPreview, type PreviewRequest } from './run';
import { ensureDevSession } from './session';

export interface PreviewChange {
  config: EtlConfig;
  stack: Stack;
  /** Gold's catalog: the diff's views are made in its DuckDB; the caller closes it (a grid may reuse it). */
  catalog: GoldCatalog;
  request: Omit<PreviewRequest, 'mode'>;
  reporter: Reporter;
  onEvent?: (event: PreviewEvent) => void;
  signal?: AbortSignal;
}

/**
 * `etl preview` and ETL: Preview Change: the dev session (started when it does not answer), the working tree's
 * transform on it, and its diff with gold, whose side loads while the preview runs. Publishes nothing.
 */
export async function previewChange(p: PreviewChange): Promise<PreviewDiff> {
  const explained = (error: unknown) => {
    throw explainS3Error(error, endpointOf(p.config));
  };
  if (p.request.run) checkRunId(p.request.run, '--run'); // before the dev session starts
  await ensureDevSession(p.stack, p.config, p.reporter);
  const gold = loadGold(p.catalog).catch(explained);
  gold.catch(() => undefined); // awaited below; a failure is reported after the preview's own
  try {
    const output = await runPreview(p.config, { ...p.request, mode: p.stack.mode }, p.onEvent, p.signal);
    return await comparePreview(p.catalog, output, await gold).catch(explained);
  } finally {
    // A preview that fails at once (a syntax error) leaves gold's views being made: DuckDB closed under a running
    // statement crashes the process (SIGSEGV) or hangs it, so the load ends before the caller closes the catalog.
    await gold.catch(() => undefined);
  }
}

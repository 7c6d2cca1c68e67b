import { mkdirSync } from 'node:fs';
import type { EtlConfig } from '../config';
import type { Reporter } from '../reporter';
import { socketAnswers } from '../stack/health';
import type { Stack } from '../stack/backend';
import { previewRoot, previewSocket } from './folders';

/** The stack service of the dev session (native and compose alike). */
export const DEV_SESSION = 'spark-connect';

/**
 * The dev session, started when it does not answer (`etl up --with dev` starts it with the stack). Resolves
 * `warm` when it already ran, `started` when this call started it (the first preview then pays its start).
 */
export async function ensureDevSession(
  stack: Stack,
  config: EtlConfig,
  reporter: Reporter,
): Promise<'warm' | 'started'> {
  // Its preview runner answering is enough to go on (the stack's whole status takes longer).
  if (await socketAnswers(previewSocket(config, stack.mode))) return 'warm';
  // Made by us, not by docker: the compose session writes there as the caller's uid.
  mkdirSync(previewRoot(config, stack.mode), { recursive: true });
  reporter.step('starting the dev session (Spark Connect in local mode; `etl up --with dev` starts it with the stack)');
  await stack.start(DEV_SESSION, reporter);
  return 'started';
}

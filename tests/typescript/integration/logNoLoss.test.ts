import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe } from 'node:test';
import { locateRuntimes } from '../../../extension/core/runtimes';
import {
  readShipperCounters,
  shippedLogDir,
  shipperRunning,
  shipperWorkDir,
} from '../../../extension/core/stack/logShipper';
import { shipperFiles } from '../../../extension/core/stack/logShipperConfig';
import { etl, projectConfig } from '../helpers/cli';
import { testEsClient } from '../helpers/elasticsearch';
import { faultCells } from '../helpers/faultCells';
import { nativeQueueOnDisk, noLossStep, removeSteps, runNoLossScenario, type NoLossStack } from '../helpers/noLoss';

/**
 * No log line lost natively (tests/typescript/helpers/noLoss.ts): rsyslogd SIGKILLed at seeded random points
 * (after k lines, right after a rotation, while its Elasticsearch queue holds lines on disk) and started again
 * with `etl start log-shipper`, with and without an Elasticsearch outage (`etl stop|start elasticsearch`): every
 * line in Elasticsearch exactly once. NOLOSS_SEED=<n> replays a schedule. The compose twin is in
 * tests/typescript/compose/stack.test.ts.
 */
const config = projectConfig();
const es = testEsClient(config, 20_000);
const logDir = shippedLogDir(config);
const work = shipperWorkDir(config);
const SEED = Number(process.env.NOLOSS_SEED ?? 20261205);
/** 1,200 lines in npm test (its time counts); NOLOSS_LINES=3000 for the figures of docs/logs.md. */
const LINES = Number(process.env.NOLOSS_LINES ?? 1200);
/** Both scenarios are cells of the fault matrix (docs/reliability.md). */
const cellTest = faultCells('native-log-shipper', 'tests/typescript/integration/logNoLoss.test.ts');

after(async () => {
  // Whatever happened, leave the shared stack's Elasticsearch and shipper running.
  if ((await es.cluster.health().catch(() => undefined)) === undefined) await startElasticsearch();
  if (!shipperRunning(config)) await etl(['start', 'log-shipper'], { ETL_LOG_DIR: logDir });
  await es.close();
  removeSteps(logDir, [noLossStep('up'), noLossStep('outage')]);
});

/** `etl start elasticsearch`, tried again when it was not healthy in time (the shared 2-core machine). */
async function startElasticsearch(): Promise<void> {
  let start = await etl(['start', 'elasticsearch']);
  for (let retry = 0; retry < 2 && start.exitCode !== 0 && /not healthy after/.test(start.all ?? ''); retry += 1) {
    start = await etl(['start', 'elasticsearch']);
  }
  assert.equal(start.exitCode, 0, start.all);
}

const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

const native: NoLossStack = {
  logDir,
  python: locateRuntimes(config.paths.root, config.paths.cache).python,
  es,
  shipperRunning: async () => shipperRunning(config),
  async killAndRestartShipper() {
    const pid = Number(readFileSync(shipperFiles(work).pid, 'utf8').trim());
    assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /rsyslogd/, `pid ${pid} is the shipper`);
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(20);
    const start = await etl(['start', 'log-shipper'], { ETL_LOG_DIR: logDir });
    assert.equal(start.exitCode, 0, start.all);
  },
  async stopElasticsearch() {
    const stop = await etl(['stop', 'elasticsearch']);
    assert.equal(stop.exitCode, 0, stop.all);
  },
  startElasticsearch,
  queueOnDisk: async () => nativeQueueOnDisk(work),
  duplicates: async () => readShipperCounters(work)?.duplicate,
};

describe('no log line lost: the shipper SIGKILLed at random points, files rotated', { timeout: 600_000 }, () => {
  const ship = { faults: ['SIGKILL'], phase: 'ship' };
  cellTest({ component: 'log shipper', ...ship }, 'Elasticsearch up: every line indexed exactly once', async () => {
    await runNoLossScenario(native, 'up', ['lines', 'rotation', 'lines'], false, { seed: SEED, lines: LINES });
  });

  cellTest({ component: 'log shipper, Elasticsearch stopped', ...ship },
    'Elasticsearch down meanwhile: every line indexed exactly once when it is back', async () => {
    const kinds = ['lines', 'rotation', 'queue', 'lines'] as const;
    await runNoLossScenario(native, 'outage', [...kinds], true, { seed: SEED, lines: LINES });
  });
});

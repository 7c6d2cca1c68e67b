import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import { execa } from 'execa';
import type { EtlConfig } from '../../../extension/core/config';
import { locateRuntimes } from '../../../extension/core/runtimes';
import { COMPOSE_SHIPPER } from '../../../extension/core/stack/logShipperConfig';
import { ROOT, etl } from './cli';
import type { NoLossStack } from './noLoss';

/**
 * The no-loss scenario's hands on the compose stack: the shipper is the container log-shipper (SIGKILLed with
 * `docker kill --signal KILL`, started again with `docker start`: `etl start` would start a stopped Elasticsearch
 * too, its dependency), Elasticsearch is stopped and started with `etl stop|start elasticsearch --mode compose`.
 * The lines go to ./ETL_logs, which the container tails.
 */
export function composeNoLossStack(config: EtlConfig, project: string, es: Client): NoLossStack {
  const shipper = `${project}-log-shipper-1`;
  const work = COMPOSE_SHIPPER.paths.work;
  const docker = (args: string[]) => execa('docker', args, { reject: false });
  const inspect = async (format: string) => (await docker(['inspect', '--format', format, shipper])).stdout.trim();
  const healthy = async () => (await inspect('{{.State.Running}} {{.State.Health.Status}}')) === 'true healthy';
  const until = async (ready: () => Promise<boolean>, what: string) => {
    const started = Date.now();
    while (!(await ready())) {
      assert.ok(Date.now() - started < 90_000, `${shipper}: not ${what} after 90 s`);
      await sleep(100);
    }
  };
  const startShipper = async () => {
    const start = await docker(['start', shipper]);
    assert.equal(start.exitCode, 0, start.stderr);
    await until(healthy, 'healthy');
  };
  const elasticsearch = async (verb: 'stop' | 'start') => {
    const result = await etl([verb, 'elasticsearch', '--mode', 'compose']);
    assert.equal(result.exitCode, 0, result.all);
  };
  return {
    logDir: join(ROOT, 'ETL_logs'),
    python: locateRuntimes(config.paths.root, config.paths.cache).python,
    es,
    shipperRunning: healthy,
    async killAndRestartShipper() {
      const kill = await docker(['kill', '--signal', 'KILL', shipper]);
      assert.equal(kill.exitCode, 0, kill.stderr);
      await until(async () => (await inspect('{{.State.Running}}')) === 'false', 'stopped');
      await startShipper();
    },
    async stopAndStartShipper() {
      const stop = await docker(['stop', '-t', '10', shipper]);
      assert.equal(stop.exitCode, 0, stop.stderr);
      await startShipper();
    },
    stopElasticsearch: () => elasticsearch('stop'),
    startElasticsearch: () => elasticsearch('start'),
    async queueOnDisk() {
      const script = `for f in ${work}/etl-es.[0-9]*; do [ -s "$f" ] && exit 0; done; exit 1`;
      return (await docker(['exec', shipper, 'sh', '-c', script])).exitCode === 0;
    },
    async duplicates() {
      const stats = await docker(['exec', shipper, 'cat', `${work}/stats.json`]);
      const last = stats.stdout.split('\n').filter((l) => l.includes('"origin": "omelasticsearch"')).at(-1);
      if (!last) return undefined;
      return (JSON.parse(last.slice(last.indexOf('{'))) as Record<string, number>)['response.duplicate'];
    },
  };
}

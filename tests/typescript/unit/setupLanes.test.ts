import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { installComponents, selectComponents, setupLanes } from '../../../extension/core/setup';
import type { SetupComponent, SetupContext } from '../../../extension/core/setup/component';
import type { Reporter } from '../../../extension/core/reporter';

/** A component whose install records when it started and ended, and waits for `gate` (or fails with `error`). */
function component(
  name: string, log: string[], gate: Promise<void> = Promise.resolve(), error?: Error,
): SetupComponent {
  return {
    name,
    describe: name,
    stamp: () => `${name}@1`,
    artifacts: (ctx) => [join(ctx.cache, name)],
    async install(ctx) {
      log.push(`start ${name}`);
      ctx.reporter.detail(`building ${name}`);
      await gate;
      if (error) throw error;
      writeFileSync(join(ctx.cache, name), '');
      log.push(`end ${name}`);
    },
  };
}

function context(lines: string[]): SetupContext {
  const cache = mkdtempSync(join(tmpdir(), 'etl-setup-'));
  mkdirSync(join(cache, 'stamps'));
  const reporter: Reporter = { step: (m) => lines.push(`• ${m}`), detail: (m) => lines.push(`  ${m}`) };
  return { root: cache, cache, reporter };
}

test('the Go builds are a lane of their own; every other component (each apt-get among them) shares one', () => {
  const lanes = setupLanes(selectComponents(undefined, true)).map((lane) => lane.map((c) => c.name));
  assert.deepEqual(lanes[0], ['minio', 'mc']);
  assert.ok(!lanes[1].includes('minio') && lanes[1].includes('log-shipper') && lanes[1].includes('vscode-tools'));
  assert.deepEqual(setupLanes(selectComponents(['python'])).map((lane) => lane.map((c) => c.name)), [['python']]);
});

const whileTheOtherLaneInstalls =
  'a Go build runs while the other lane installs; results keep the order given; lines say whose they are';
test(whileTheOtherLaneInstalls, { timeout: 10_000 }, async () => {
  const log: string[] = [];
  const lines: string[] = [];
  let release!: () => void;
  const goBuild = new Promise<void>((resolve) => (release = resolve));
  const ctx = context(lines);
  // The Go build ends only once the other lane's python has started: sequentially this would never finish.
  const python = component('python', log);
  const waiting = installComponents([python, component('minio', log, goBuild), component('jars', log)], {
    ...ctx,
    reporter: {
      ...ctx.reporter,
      step: (m) => {
        ctx.reporter.step(m);
        if (m.startsWith('jars: installing')) release();
      },
    },
  });
  const results = await waiting;
  assert.deepEqual(results.map((r) => [r.name, r.action]), [['python', 'installed'], ['minio', 'installed'],
    ['jars', 'installed']]);
  assert.ok(log.indexOf('start jars') < log.indexOf('end minio'), log.join(', '));
  const tagged = ['  [minio] building minio', '  [python] building python'];
  assert.ok(tagged.every((line) => lines.includes(line)), lines.join('\n'));
});

test('one lane left to install: one at a time, output as it was', async () => {
  const log: string[] = [];
  const lines: string[] = [];
  const ctx = context(lines);
  await installComponents([component('minio', log)], ctx);
  const results = await installComponents([component('minio', log), component('python', log)], ctx);
  assert.deepEqual(results.map((r) => r.action), ['present', 'installed']);
  assert.ok(lines.includes('  building python'), lines.join('\n'));
});

test('a failed Go build: the other lane still installs what it started, then the failure is thrown', async () => {
  const log: string[] = [];
  const ctx = context([]);
  await assert.rejects(
    installComponents([component('minio', log, Promise.resolve(), new Error('go: proxy refused')), component('mc', log),
      component('python', log)], ctx),
    /go: proxy refused/,
  );
  assert.ok(existsSync(join(ctx.cache, 'python')), 'python installed beside the failed build');
  assert.ok(!log.includes('start mc'), 'the failed lane stopped at its failure');
  assert.ok(!existsSync(join(ctx.cache, 'stamps', 'minio.stamp')), 'a failed install is not marked installed');
});

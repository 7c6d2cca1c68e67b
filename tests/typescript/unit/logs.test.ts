import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FileLogTail } from '../../../extension/core/logs/fileTail';
import { formatRecord, parseEcsLine, type LogRecord } from '../../../extension/core/logs/record';

const ecs = (message: string, level = 'info', step = 'extract', runId = 'r1') => {
  const record = { 'log.level': level, message, etl: { step, run_id: runId }, labels: { run_id: runId } };
  return `${JSON.stringify({ '@timestamp': '2026-01-01T00:00:00.000Z', ...record })}\n`;
};

function tailOf(dir: string, options = {}) {
  const seen: LogRecord[] = [];
  const tail = new FileLogTail(dir, (records) => seen.push(...records), {
    pollMs: 1_000_000,
    fromStart: true,
    ...options,
  });
  return { tail, seen, messages: () => seen.map((r) => r.message) };
}

describe('ECS log lines', () => {
  test('step, level and run come from nested or dotted ECS fields', () => {
    const record = parseEcsLine(ecs('hello', 'warning', 'transform', 'run-7').trim(), 'id', 'file');
    assert.deepEqual(
      [record.step, record.level, record.runId, record.message],
      ['transform', 'warning', 'run-7', 'hello'],
    );
    assert.equal(formatRecord(record), '2026-01-01T00:00:00.000Z [transform] WARNING run-7 hello');
  });

  test('a non-JSON line is kept with the file name as the step', () => {
    const record = parseEcsLine('Traceback (most recent call last):', 'id', 'extract');
    assert.deepEqual([record.step, record.message], ['extract', 'Traceback (most recent call last):']);
  });
});

describe('file log tail (real files in a temp folder)', () => {
  test('follows appends, holds a partial line until its newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    writeFileSync(join(dir, 'extract.log'), ecs('one'));
    const { tail, messages } = tailOf(dir);
    await tail.start();
    assert.deepEqual(messages(), ['one']);
    const half = ecs('two');
    appendFileSync(join(dir, 'extract.log'), half.slice(0, 20));
    tail.poll();
    assert.deepEqual(messages(), ['one']);
    appendFileSync(join(dir, 'extract.log'), half.slice(20) + ecs('three'));
    tail.poll();
    assert.deepEqual(messages(), ['one', 'two', 'three']);
    tail.stop();
  });

  test('survives rotation: the rest of the old file, then the new file, nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const log = join(dir, 'extract.log');
    writeFileSync(log, ecs('a'));
    const { tail, messages } = tailOf(dir);
    await tail.start();
    appendFileSync(log, ecs('b')); // written just before the rotation, not yet polled
    renameSync(log, `${log}.1`); // what RotatingFileHandler does
    writeFileSync(log, ecs('c'));
    tail.poll();
    tail.poll();
    appendFileSync(log, ecs('d'));
    tail.poll();
    assert.deepEqual(messages(), ['a', 'b', 'c', 'd']);
    tail.stop();
  });

  test('several rotations between two polls: the files never seen are read from the backups, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const log = join(dir, 'extract.log');
    writeFileSync(log, ecs('a'));
    const { tail, messages } = tailOf(dir);
    await tail.start();
    appendFileSync(log, ecs('b'));
    // Three rotations before the next poll: a,b → .3; c → .2; d → .1; e is current.
    for (const line of ['c', 'd', 'e']) {
      for (let n = 3; n >= 1; n -= 1) {
        try {
          renameSync(n === 1 ? log : `${log}.${n - 1}`, `${log}.${n}`);
        } catch {
          /* not there yet */
        }
      }
      writeFileSync(log, ecs(line));
    }
    tail.poll();
    assert.deepEqual(messages(), ['a', 'b', 'c', 'd', 'e']);
    tail.stop();
  });

  test('truncation restarts from the beginning; new files are picked up; filter applies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    writeFileSync(join(dir, 'extract.log'), ecs('old old old old old old'));
    const { tail, seen, messages } = tailOf(dir, { filter: { levels: ['info', 'error'] } });
    await tail.start();
    writeFileSync(join(dir, 'extract.log'), ecs('x'));
    writeFileSync(join(dir, 'transform.log'), ecs('t', 'error', 'transform') + ecs('debug line', 'debug', 'transform'));
    tail.poll();
    tail.poll();
    assert.deepEqual(messages().sort(), ['old old old old old old', 't', 'x']);
    assert.equal(seen.find((r) => r.message === 't')?.step, 'transform');
    tail.stop();
  });

  test('without fromStart only lines written after start are shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    writeFileSync(join(dir, 'extract.log'), ecs('history'));
    const { tail, messages } = tailOf(dir, { fromStart: false });
    await tail.start();
    appendFileSync(join(dir, 'extract.log'), ecs('live'));
    tail.poll();
    assert.deepEqual(messages(), ['live']);
    tail.stop();
  });
});

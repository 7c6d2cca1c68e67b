import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { QualityReport } from '../../../extension/core/runs/report';
import { ReportCache, reportCacheFile } from '../../../extension/core/runs/reportCache';

const report = (runId: string): QualityReport => ({
  run_id: runId,
  status: 'succeeded',
  started_at: '2026-01-01T10:00:00Z',
  ended_at: '2026-01-01T10:01:00Z',
  rows_read: 10,
  rows_kept: 9,
  rows_rejected: 1,
  rejected_by_rule: { duplicate: 1 },
  months: {},
});
const entry = (key: string, size = 100) => ({ key, size, lastModified: new Date('2026-01-01T10:01:00Z') });
const scratchFile = () => reportCacheFile(mkdtempSync(join(tmpdir(), 'etl-report-cache-')), 'http://127.0.0.1:9000', 'gold');

test('a new cache on the same file has the reports an earlier one read (a new window needs no GET)', () => {
  const file = scratchFile();
  const first = new ReportCache(file);
  first.set(entry('_quality/t1.json'), report('t1'));
  first.set(entry('_quality/broken.json'), { error: 'not JSON' });
  first.save();
  const reopened = new ReportCache(file);
  assert.equal((reopened.get(entry('_quality/t1.json')) as QualityReport).run_id, 't1');
  assert.equal(reopened.get(entry('_quality/broken.json')), undefined, 'an unreadable report is read again');
  assert.equal(reopened.get(entry('_quality/t1.json', 101)), undefined, 'a report of another size is stale');
  assert.deepEqual(readdirSync(join(file, '..')), [file.split('/').at(-1)], 'no partial file left beside it');
});

test('another store or bucket has another file', () => {
  const state = mkdtempSync(join(tmpdir(), 'etl-report-cache-'));
  const files = new Set([
    reportCacheFile(state, 'http://127.0.0.1:9000', 'gold'),
    reportCacheFile(state, 'http://127.0.0.1:9100', 'gold'),
    reportCacheFile(state, 'http://127.0.0.1:9000', 'gold-team'),
  ]);
  assert.equal(files.size, 3);
});

test('a torn, foreign or invalid file is ignored, not trusted', () => {
  for (const text of ['{"format": 1, "entr', '{"format": 99, "entries": {}}', 'null',
    JSON.stringify({ format: 1, entries: { '_quality/x.json': { stamp: '100@1', report: { run_id: 5 } } } })]) {
    const file = scratchFile();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    const cache = new ReportCache(file);
    assert.equal(cache.get({ key: '_quality/x.json', size: 100, lastModified: new Date(1) }), undefined, text);
  }
});

test('reports no longer listed are forgotten; nothing new, nothing written', () => {
  const file = scratchFile();
  const cache = new ReportCache(file);
  cache.set(entry('_quality/t1.json'), report('t1'));
  cache.set(entry('_quality/t2.json'), report('t2'));
  cache.save();
  const reopened = new ReportCache(file);
  reopened.retain([entry('_quality/t2.json')]);
  reopened.save();
  const kept = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown> };
  assert.deepEqual(Object.keys(kept.entries), ['_quality/t2.json']);
  const untouched = scratchFile();
  new ReportCache(untouched).save();
  assert.equal(existsSync(untouched), false);
});

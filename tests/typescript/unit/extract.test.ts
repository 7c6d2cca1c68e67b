import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ExtractEvent, ExtractProgress, formatBytes, parseEventLine,
} from '../../../extension/core/extract/events';
import { extractArgs, extractorError } from '../../../extension/core/extract/run';

/** A run of two months (plus the zone table when zonesSource is set). */
const runStart = (zonesSource: string | null): ExtractEvent => ({
  event: 'run_start', run_id: 'r', months: ['2024-01', '2024-02'], source: 's', zones_source: zonesSource,
  bucket: 'b',
});
const januaryDone: ExtractEvent = {
  event: 'file_done', kind: 'trips', month: '2024-01', url: 'u', path: 'p', size: 1000, sha256: 'h',
  status: 'uploaded',
};

describe('extract progress events', () => {
  test('only JSON lines with an event are events', () => {
    assert.equal(parseEventLine('hello'), undefined);
    assert.equal(parseEventLine('{"no":1}'), undefined);
    assert.equal(parseEventLine('{broken'), undefined);
    assert.equal(
      parseEventLine('{"event":"bytes","kind":"trips","month":"2024-01","bytes":5,"total":10}')?.event,
      'bytes',
    );
  });

  test('progress counts files and bytes across files', () => {
    const progress = new ExtractProgress();
    progress.apply(runStart('z'));
    progress.apply({ event: 'file_start', kind: 'trips', month: '2024-01', url: 'u', path: 'p' });
    progress.apply({ event: 'bytes', kind: 'trips', month: '2024-01', bytes: 500, total: 1000 });
    assert.equal(progress.describe(), 'files 0/3, 500 B — 2024-01 50%');
    progress.apply(januaryDone);
    assert.equal(progress.bytes, 1000);
    assert.equal(progress.describe(), 'files 1/3, 1.0 kB');
  });

  test('progress follows files in flight at once (--parallel)', () => {
    const progress = new ExtractProgress();
    progress.apply(runStart(null));
    progress.apply({ event: 'file_start', kind: 'trips', month: '2024-01', url: 'u', path: 'p' });
    progress.apply({ event: 'file_start', kind: 'trips', month: '2024-02', url: 'u', path: 'p' });
    progress.apply({ event: 'bytes', kind: 'trips', month: '2024-02', bytes: 100, total: 1000 });
    progress.apply({ event: 'bytes', kind: 'trips', month: '2024-01', bytes: 500, total: 1000 });
    assert.equal(progress.describe(), 'files 0/2, 600 B — 2024-01 50%, 2024-02 10%');
    progress.apply({ event: 'file_failed', kind: 'trips', month: '2024-02', url: 'u', error: 'e' });
    progress.apply(januaryDone);
    assert.equal(progress.describe(), 'files 1/2, 1.0 kB');
  });

  test('argument arrays carry the request, never a shell string', () => {
    assert.deepEqual(extractArgs({ months: '2024-01..2024-02', source: { sample: true } }), [
      '-m',
      'etl.extract',
      '--months',
      '2024-01..2024-02',
      '--progress-json',
      '--sample',
    ]);
    assert.deepEqual(
      extractArgs({ months: '2024-01', source: { template: 'file:///x/{YYYY}-{MM}; rm -rf /' }, noZones: true }).slice(
        -3,
      ),
      ['--source', 'file:///x/{YYYY}-{MM}; rm -rf /', '--no-zones'],
    );
    const zones = extractArgs({ months: '2024-01', zones: '/data/zones.csv' });
    assert.deepEqual(zones.slice(-2), ['--zones', '/data/zones.csv']);
  });

  test("the extractor's own error line wins", () => {
    assert.equal(
      extractorError('noise\netl extract: error: month 2031-04: not found\n', null, 1),
      'etl extract: error: month 2031-04: not found',
    );
    assert.match(extractorError('Traceback\nKeyError', null, 1), /exit 1[\s\S]*KeyError/);
    assert.equal(formatBytes(1_500_000), '1.5 MB');
  });
});

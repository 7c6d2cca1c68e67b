import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { etlDebugLaunches, isEtlStepLaunch } from '../../../extension/core/logs/debugLaunch';
import { findOrigins, locateOrigin } from '../../../extension/core/logs/origin';
import { formatRecord, parseEcsLine } from '../../../extension/core/logs/record';
import { kibanaDiscoverUrl, parseLogSearch, searchFiles } from '../../../extension/core/logs/search';
import { pruneStaleOffsets } from '../../../extension/core/stack/logShipper';
import { rainerString, renderShipperConfig } from '../../../extension/core/stack/logShipperConfig';
import { ROOT } from '../helpers/cli';

const line = (message: string, level: string, runId: string, at: string, origin = { line: 12, name: 'run.py' }) =>
  JSON.stringify({
    '@timestamp': at,
    'log.level': level,
    message,
    'ecs.version': '1.6.0',
    etl: { run_id: runId, step: 'extract' },
    labels: { run_id: runId },
    log: { logger: 'etl.extract', origin: { file: origin } },
  });

describe('log search and code origins', () => {
  test('the search box: run:, step:, level: and free words', () => {
    assert.deepEqual(parseLogSearch('run:r-1 step:extract level:ERROR corrupt footer'), {
      runId: 'r-1',
      step: 'extract',
      level: 'error',
      text: 'corrupt footer',
    });
    assert.deepEqual(parseLogSearch('month 2024-01: retry:3'), { text: 'month 2024-01: retry:3' });
    assert.deepEqual(parseLogSearch('   '), {});
  });

  test('each formatted line ends with its origin, found again as a link range', () => {
    const record = parseEcsLine(line('month failed', 'error', 'r-1', '2026-01-01T00:00:00.000Z'), 'id', 'extract');
    const text = formatRecord(record);
    assert.equal(text, '2026-01-01T00:00:00.000Z [extract] ERROR r-1 month failed (run.py:12)');
    const [origin] = findOrigins(text);
    assert.deepEqual({ file: origin.file, line: origin.line }, { file: 'run.py', line: 12 });
    assert.equal(text.slice(origin.start, origin.end), 'run.py:12');
    assert.deepEqual(findOrigins('no origin here (not a file)'), []);
  });

  test('an origin base name is found in the project code, src/ first', () => {
    assert.equal(locateOrigin(ROOT, 'logger.py'), join(ROOT, 'src', 'etl', 'logger.py'));
    assert.equal(locateOrigin(ROOT, 'no_such_module_here.py'), undefined);
  });

  test('the files are searched when Elasticsearch is not there: backups too, filters, time order, a limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-search-'));
    writeFileSync(join(dir, 'extract.log.1'), `${line('first retry', 'warning', 'r-1', '2026-01-01T00:00:01.000Z')}\n`);
    writeFileSync(
      join(dir, 'extract.log'),
      [
        line('second retry', 'warning', 'r-1', '2026-01-01T00:00:02.000Z'),
        line('other run retry', 'warning', 'r-2', '2026-01-01T00:00:03.000Z'),
        line('done', 'info', 'r-1', '2026-01-01T00:00:04.000Z'),
        'Traceback (most recent call last):',
      ].join('\n'),
    );
    const found = searchFiles(dir, parseLogSearch('run:r-1 level:warning RETRY'));
    assert.deepEqual(
      found.records.map((r) => r.message),
      ['first retry', 'second retry'],
    );
    assert.equal(found.truncated, false);
    assert.deepEqual(
      searchFiles(dir, { text: 'traceback' }).records.map((r) => r.step),
      ['extract'],
    );
    const limited = searchFiles(dir, { runId: 'r-1', limit: 1 });
    assert.deepEqual([limited.records.map((r) => r.message), limited.truncated], [['done'], true]);
  });

  test('Kibana Discover gets the same search as KQL', () => {
    const url = kibanaDiscoverUrl('http://127.0.0.1:5601/', { runId: 'r-1', level: 'error', text: "it's" });
    assert.ok(url.startsWith('http://127.0.0.1:5601/app/discover#/?_a='));
    assert.match(decodeURIComponent(url), /labels\.run_id:"r-1" and log\.level:"error" and message:"it!'s"/);
  });

  test('the debug hook knows ETL steps launched as a module or as a program', () => {
    assert.ok(isEtlStepLaunch({ module: 'etl.extract' }));
    assert.ok(isEtlStepLaunch({ program: '/w/src/etl/extract/__main__.py' }));
    assert.ok(isEtlStepLaunch({ program: '${workspaceFolder}/src/etl/submit.py' }));
    assert.ok(!isEtlStepLaunch({ program: '/w/benchmarks/bench_extract.py' }));
    assert.ok(!isEtlStepLaunch({ module: 'pytest' }));
  });

  test('the launches offered to the Python Debugger run the steps from the folder and stream their logs', () => {
    const launches = etlDebugLaunches('/w');
    assert.deepEqual(launches.map((l) => l.module), ['etl.extract', 'etl.transform']);
    for (const launch of launches) {
      assert.ok(isEtlStepLaunch(launch), String(launch.name));
      assert.deepEqual([launch.type, launch.cwd, launch.env], ['debugpy', '/w', { PYTHONPATH: '/w/src' }]);
    }
  });
});

describe('the log shipper configuration', () => {
  test('paths are quoted for RainerScript; ids are deterministic; writes are creates', () => {
    assert.equal(rainerString('a"b\\c'), '"a\\"b\\\\c"');
    const text = renderShipperConfig(
      { work: '/s/log-shipper', logDir: '/logs "x"', serviceLog: '/s/logs/log-shipper.log' },
      { host: '127.0.0.1', port: 9200 },
    );
    assert.match(text, /file="\/logs \\"x\\"\/\*\.log\*"/);
    assert.match(text, /serverport="9200"/);
    assert.match(text, /writeoperation="create"/);
    assert.match(text, /set \$\.etl_id = \$!event!id;/, "the logger's event.id is the document's _id");
    assert.match(text, /set \$\.etl_id = hash64\(\$rawmsg\)/, 'else the hash of the line and its offset');
    assert.match(text, /queue\.saveOnShutdown="on"/);
    assert.doesNotMatch(text, /uid=|pwd=/, 'no credentials for an Elasticsearch without security');
  });

  test("a secured Elasticsearch: the shipper signs in as .env's user, the values quoted", () => {
    const text = renderShipperConfig({ work: '/w', logDir: '/l', serviceLog: '/w/s.log' },
      { host: 'h', port: 1, login: { user: 'etl', password: 'p"w\\x' } });
    assert.match(text, /server="h" serverport="1"\n\s+uid="etl" pwd="p\\"w\\\\x"\n/);
  });

  test('a SIGKILL loses nothing: both queues on disk, checkpointed at each change; offsets after each batch', () => {
    const text = renderShipperConfig({ work: '/w', logDir: '/l', serviceLog: '/w/s.log' }, { host: 'h', port: 1 });
    const queues = text.match(/queue\.type="[A-Za-z]+"/g);
    assert.deepEqual(queues, ['queue.type="Disk"', 'queue.type="Disk"'], 'the main queue and the Elasticsearch one');
    assert.equal(text.match(/queue\.checkpointInterval="1"/g)?.length, 2);
    assert.match(text, /persistStateAfterSubmission="on"/);
  });

  test("imfile's offsets of gone files, of reused names and unreadable ones are pruned; live ones kept", () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipper-state-'));
    const log = join(dir, 'extract.log');
    writeFileSync(log, 'line\n');
    const inode = String(statSync(log, { bigint: true }).ino);
    const state = (name: string, body: string) => writeFileSync(join(dir, `imfile-state:${name}`), body);
    state(`${inode}:live`, JSON.stringify({ filename: log, curr_offs: 5 }));
    state(`${BigInt(inode) + 1n}:reused`, JSON.stringify({ filename: log, curr_offs: 5 }));
    state(`${inode}:gone`, JSON.stringify({ filename: join(dir, 'extract.log.5'), curr_offs: 5 }));
    state(`${inode}:torn`, '{ "filename": ');
    pruneStaleOffsets(dir);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.startsWith('imfile-state:')),
      [`imfile-state:${inode}:live`],
    );
    rmSync(dir, { recursive: true, force: true });
  });
});

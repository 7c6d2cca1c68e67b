import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatStatusTable } from '../../../extension/core/format';
import { logEnd, restartNote } from '../../../extension/core/stack/restarts';

// Lines as src/etl/airflow_supervisor.py writes them into .etl/logs/airflow.log.
const said = (at: string, what: string) => `airflow supervisor [2026-12-05T${at}+00:00]: Airflow's ${what}`;
const LOG = [
  said('20:10:00', 'scheduler (pid 10) was killed by SIGKILL; started it again (pid 11)'),
  '[2026-12-05T21:00:01] {scheduler_job_runner.py} INFO - Starting the scheduler',
  said('21:03:09', 'scheduler (pid 11) was killed by SIGKILL; started it again (pid 12)'),
  said('21:04:30', 'DAG processor (pid 13) exited with status 1; started it again (pid 14)'),
].join('\n');

test('the last restart since the service started, with how many there were', () => {
  assert.equal(
    restartNote(LOG, '2026-12-05T21:00:00.000Z'),
    "Airflow's DAG processor (pid 13) exited with status 1 at 21:04:30 UTC; its supervisor started it again " +
      '(restarted 2 times since the service started)',
  );
});

test('restarts of an earlier start of the service are not counted', () => {
  assert.equal(restartNote(LOG, '2026-12-05T21:04:00.000Z')?.endsWith('(restarted once since the service started)'),
    true);
  assert.equal(restartNote(LOG, '2026-12-05T22:00:00.000Z'), undefined);
});

// A process the supervisor killed for its silence: a scheduler (its heartbeat) or an API server (its answers).
for (const [process, silence] of [['scheduler (pid 16)', 'stopped heartbeating for 41 s'],
  ['API server (pid 18)', 'stopped answering for 44 s']]) {
  test(`a ${process.split(' (')[0]} the supervisor killed for its silence is a restart, told as such`, () => {
    const line = `${process} ${silence} and was killed by its supervisor; started it again (pid 19)`;
    const silent = said('21:06:00', line);
    assert.equal(
      restartNote(silent, '2026-12-05T21:00:00.000Z'),
      `Airflow's ${process} ${silence} and was killed by its supervisor at 21:06:00 UTC; ` +
        'its supervisor started it again (restarted once since the service started)',
    );
  });
}

test('a crash loop that stopped Airflow is not a restart', () => {
  const stopped = said('21:05:00',
    'scheduler (pid 15) exited with status 1, 3 times in a row within 30 s of its start; stopping Airflow');
  assert.equal(restartNote(stopped, '2026-12-05T21:00:00.000Z'), undefined);
});

test('the status table puts a note on its own line, the columns unchanged', () => {
  const table = formatStatusTable([
    { name: 'minio', title: 'MinIO', state: 'running', url: 'http://127.0.0.1:9001', pid: 7 },
    { name: 'airflow', title: 'Airflow', state: 'running', url: 'http://127.0.0.1:8089', pid: 8, note: 'restarted' },
  ]);
  const lines = table.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^● Airflow\s+running\s+8\s+http:\/\/127\.0\.0\.1:8089$/);
  assert.equal(lines[2], '    ↳ restarted');
});

test('the tail of a log is its last bytes; an unreadable log is empty', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'restarts-')), 'airflow.log');
  writeFileSync(file, `${'x'.repeat(100)}\nlast line\n`);
  assert.equal(logEnd(file, 10), 'last line\n');
  assert.equal(logEnd(join(file, 'missing')), '');
});

import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { readDeltaTable } from '../../../../extension/core/gold/deltaLog';
import { ROOT, etl } from '../../helpers/cli';
import type { SampleGold } from './published';

/** Last: an edited transform of the published extraction changes dim_zone's schema (a new version of it). */
export function schemaEditSuite(sample: SampleGold): void {
  const { client } = sample;
  const { suffix, gold, tmp, env } = sample.scratch;

  describe('an edited transform on the published sample', () => {
    // The transform as a user would edit it (a copy of src/ with dim_zone changed), run by the real etl.submit on the
    // cluster over the published extraction (the earlier suites extracted runs of their own); History shows where the
    // schema changed, from the real Delta log.
    test('an edited transform that changes dim_zone: its History shows the schema change', async () => {
      const code = join(tmp, 'code', 'src');
      cpSync(join(ROOT, 'src'), code, { recursive: true, filter: (path) => !path.includes('__pycache__') });
      // dim_zone's columns are declared in columns.py (each with what it reads): the edit a user makes there.
      const model = join(code, 'etl', 'transform', 'columns.py');
      const original = readFileSync(model, 'utf8');
      const edited = original
        .replace('build=lambda id_: id_.cast("int"))', 'build=lambda id_: id_.cast("bigint"))')
        .replace(
          '    col("service_zone"),\n]',
          '    col("service_zone"),\n    col("zone_name_length", "Zone", build=F.length),\n]',
        );
      assert.equal(edited.split('bigint').length - original.split('bigint').length, 1, 'the retype applies once');
      assert.ok(edited.includes('zone_name_length'), 'the new column applies');
      writeFileSync(model, edited);
      const before = await readDeltaTable(client, gold, 'dim_zone/');
      const python = (await etl(['which', 'python'])).stdout.trim();
      const editRun = `transform-schema-${suffix}`;
      const args = ['-m', 'etl.submit', '--run', sample.extractRun, '--run-id', editRun, '--force'];
      const submit = await execa(python, args, {
        cwd: ROOT, env: { ...env, PYTHONPATH: code, ETL_PROJECT_ROOT: ROOT }, reject: false, all: true,
        timeout: 600_000,
      });
      assert.equal(submit.exitCode, 0, submit.all);
      const after = await readDeltaTable(client, gold, 'dim_zone/');
      assert.equal(after.version, before.version + 1);
      assert.equal(after.history[0].userMetadata?.includes(editRun) ?? false, true, JSON.stringify(after.history[0]));
      assert.deepEqual(after.history[0].schemaChanges, [
        'type of location_id: integer → long',
        '+ column zone_name_length integer',
      ]);
      assert.ok(after.history.slice(1).every((c) => !c.schemaChanges?.length), 'earlier commits changed nothing');
      assert.equal(after.columns.find((c) => c.name === 'location_id')?.type, 'long');
    });
  });
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PINS, jarFileName } from '../../extension/core/pins';
import { selectComponents } from '../../extension/core/setup';
import { ROOT } from '../helpers/cli';

test('jar file names follow Maven layout', () => {
  assert.equal(jarFileName('org.apache.hadoop:hadoop-aws:3.4.1'), 'hadoop-aws-3.4.1.jar');
  assert.equal(jarFileName(PINS.elasticsearch.artifact), `elasticsearch-${PINS.elasticsearch.version}.zip`);
});

test('the PySpark pin in requirements.txt is the one the jars were chosen for', () => {
  const requirements = readFileSync(join(ROOT, 'requirements.txt'), 'utf8');
  assert.match(requirements, new RegExp(`^pyspark==${PINS.pyspark.replaceAll('.', '\\.')}$`, 'm'));
  // Delta 4.0.x is the line built for Spark 4.0; the jars and submit.py's JARS list agree.
  assert.match(PINS.pyspark, /^4\.0\./);
  const submit = readFileSync(join(ROOT, 'src', 'etl', 'submit.py'), 'utf8');
  for (const jar of PINS.sparkJars)
    assert.ok(submit.includes(`"${jarFileName(jar)}"`), `${jar} missing from submit.py JARS`);
  assert.ok(PINS.sparkJars.includes('io.delta:delta-spark_2.13:4.0.0'));
});

test('setup refuses an unknown component and names the known ones', () => {
  assert.throws(() => selectComponents(['python', 'kafka']), /unknown setup component\(s\): kafka.*\n?/);
  assert.deepEqual(selectComponents(['minio']).map((c) => c.name), ['minio']);
});

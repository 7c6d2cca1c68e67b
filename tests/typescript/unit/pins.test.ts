import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PYTHON_FLOOR } from '../../../extension/core/contract';
import { EtlError } from '../../../extension/core/errors';
import { PINS, jarFileName } from '../../../extension/core/pins';
import { checkPythonFloor } from '../../../extension/core/setup/pythonVenv';
import { selectComponents } from '../../../extension/core/setup';
import { ROOT } from '../helpers/cli';

test('jar file names follow Maven layout', () => {
  assert.equal(jarFileName('org.apache.hadoop:hadoop-aws:3.4.1'), 'hadoop-aws-3.4.1.jar');
  assert.equal(jarFileName(PINS.elasticsearch.artifact), `elasticsearch-${PINS.elasticsearch.version}.zip`);
});

test('the PySpark pin in requirements.txt is the one the jars were chosen for', () => {
  const requirements = readFileSync(join(ROOT, 'requirements.txt'), 'utf8');
  assert.match(requirements, new RegExp(`^pyspark==${PINS.pyspark.replaceAll('.', '\\.')}$`, 'm'));
  // Delta 4.0.x is the line built for Spark 4.0 (submit.py reads the same list: contract.test.ts).
  assert.match(PINS.pyspark, /^4\.0\./);
  assert.ok(PINS.sparkJars.some((jar) => /^io\.delta:delta-spark_2\.13:4\.0\.\d+$/.test(jar)));
});

test('setup refuses an unknown component and names the known ones', () => {
  assert.throws(() => selectComponents(['python', 'kafka']), /unknown setup component\(s\): kafka.*\n?/);
  assert.deepEqual(selectComponents(['minio']).map((c) => c.name), ['minio']);
});

test('plain `etl setup` (npm run main) installs no test tool; --tests and --only do', () => {
  assert.ok(!selectComponents().some((c) => c.name === 'vscode-tools'));
  assert.ok(selectComponents(undefined, true).some((c) => c.name === 'vscode-tools'));
  assert.deepEqual(selectComponents(['vscode-tools']).map((c) => c.name), ['vscode-tools']);
  assert.match(readFileSync(join(ROOT, 'scripts', 'test.sh'), 'utf8'), /^(step )?etl setup --tests$/m);
  assert.doesNotMatch(readFileSync(join(ROOT, 'scripts', 'main.sh'), 'utf8'), /--tests|vscode-tools/);
});

type Version = [number, number, number];
const parseVersion = (text: string): Version => {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map(Number);
  return [major, minor, patch];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The `>=`, `^` and exact forms packages use in engines.node, joined by `||`. */
function satisfies(version: Version, range: string): boolean {
  const accepts = (part: string) => {
    if (part.startsWith('>=')) return compare(version, parseVersion(part.slice(2))) >= 0;
    if (part.startsWith('^')) {
      const floor = parseVersion(part.slice(1));
      return version[0] === floor[0] && compare(version, floor) >= 0;
    }
    return compare(version, parseVersion(part)) === 0;
  };
  const parts = (alternative: string) => alternative.replace(/(>=|\^)\s+/g, '$1').trim().split(/\s+/);
  return range.split('||').some((alternative) => parts(alternative).every(accepts));
}

test("engines.node: the oldest Node the project accepts runs every direct dependency", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const floor = parseVersion(/^>=(\d+(\.\d+)*)$/.exec(pkg.engines.node)?.[1] ?? '0');
  const refusing: string[] = [];
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    const engines = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).engines?.node;
    if (engines && !satisfies(floor, engines)) refusing.push(`${name} (${engines})`);
  }
  assert.deepEqual(refusing, [], `engines.node ${pkg.engines.node} is older than these dependencies accept`);
});

test('hyparquet runs in the extension (Parquet preview, Delta reads): a dependency, not a devDependency', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  for (const name of ['hyparquet', 'hyparquet-compressors']) {
    assert.ok(pkg.dependencies[name] && !pkg.devDependencies[name], name);
  }
});

test('etl setup refuses a Python older than the floor, naming it and the way out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'etl-old-python-'));
  const oldPython = join(dir, 'python3');
  writeFileSync(oldPython, '#!/bin/sh\necho 3.10.12\n', { mode: 0o755 }); // answers as an Ubuntu 22.04 python3 does
  await assert.rejects(checkPythonFloor(oldPython), (error: unknown) => {
    assert.ok(error instanceof EtlError);
    const floor = PYTHON_FLOOR.replace('.', '\\.');
    assert.match(error.message, new RegExp(`is Python 3\\.10\\.12; the ETL needs Python ${floor} or newer`));
    assert.match(error.hint ?? '', /ETL_PYTHON/);
    return true;
  });
  await checkPythonFloor('python3'); // this machine's
});

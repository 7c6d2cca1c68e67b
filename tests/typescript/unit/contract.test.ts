import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'dotenv';
import { MONTH as AIRFLOW_MONTH } from '../../../extension/core/airflow/pipelineRun';
import { loadConfig, parseConfig, type RawEnv } from '../../../extension/core/config';
import {
  CONTRACT, DEFAULT_PATHS, ENV_CONTRACT, isMonthSpec, MONTH, PYTHON_FLOOR, SPARK_JARS,
} from '../../../extension/core/contract';
import { manifestPath } from '../../../extension/core/manifest/model';
import { defaultCacheDir, projectPaths } from '../../../extension/core/paths';
import { jarFileName, PINS } from '../../../extension/core/pins';
import { sparkJarPaths } from '../../../extension/core/runtimes';
import { pythonAtLeast } from '../../../extension/core/setup/pythonVenv';
import { ETL_POLICY_FILE } from '../../../extension/core/stack/minioUser';
import { ROOT } from '../helpers/cli';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Every source file of the code that reads the contract (not the contract, its generated copy or the tests). */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === '__pycache__') return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|py|mjs|sh|yml)$|Dockerfile$/.test(name) ? [path] : [];
  });
}
const SOURCES = ['extension', 'src', 'dags', 'scripts', 'docker'].flatMap(sourceFiles).concat(['docker-compose.yml']);

describe('config/contract.json is the one copy TypeScript, Python and Docker share', () => {
  test('the jar list: PINS, setup and docker/spark-jars.txt (read by the Dockerfile) equal the contract', () => {
    assert.deepEqual(PINS.sparkJars, CONTRACT.sparkJars.coordinates);
    const listed = read('docker/spark-jars.txt').split('\n').filter((line) => line && !line.startsWith('#'));
    assert.deepEqual(listed, SPARK_JARS, 'docker/spark-jars.txt drifted: run node scripts/sync-contract.mjs');
    assert.deepEqual(sparkJarPaths('/c').map((p) => p.split('/').pop()), SPARK_JARS.map(jarFileName));
    assert.match(read('docker/Dockerfile'), /source=docker\/spark-jars\.txt/);
  });

  test('no source file carries its own copy of a jar, the month pattern or a default folder', () => {
    const copies: string[] = [];
    const needles = [
      ...SPARK_JARS, ...SPARK_JARS.map(jarFileName), CONTRACT.month.pattern, '0[1-9]|1[0-2]',
      ...[DEFAULT_PATHS.backupDir, DEFAULT_PATHS.logDir, DEFAULT_PATHS.manifestFile]
        .flatMap((v) => [`'${v}'`, `"${v}"`]),
    ];
    for (const file of SOURCES) {
      if (file === 'docker/spark-jars.txt') continue;
      const text = read(file);
      for (const needle of needles) if (text.includes(needle)) copies.push(`${file}: ${needle}`);
    }
    assert.deepEqual(copies, [], 'read them from config/contract.json (core/contract.ts, src/etl/contract.py)');
  });

  test('the month pattern: one month, the DAG parameter and the extract month specs', () => {
    assert.equal(AIRFLOW_MONTH, MONTH);
    assert.equal(MONTH.source, CONTRACT.month.pattern);
    assert.match(read('dags/etl_pipeline.py'), /pattern=contract\(\)\["month"\]\["pattern"\]/);
    for (const good of ['2024-01', '2024-01..2024-03', '2024-01, 2024-03..2024-04', ' 2024-12 ']) {
      assert.ok(isMonthSpec(good), good);
    }
    const bads = ['2024-13', '2024-1', '2024-01..', '..2024-01', '2024-01,,2024-02', '', 'jan',
      '2024-01..2024-02..2024-03'];
    for (const bad of bads) {
      assert.ok(!isMonthSpec(bad), bad);
    }
  });

  test('.env keys: .env.example has exactly the contract keys, and the configuration reads no other', () => {
    const example = parse(readFileSync(join(ROOT, ENV_CONTRACT.example)));
    assert.deepEqual(Object.keys(example).sort(), [...ENV_CONTRACT.fileKeys].sort());
    const asked = new Set<string>();
    const values = new Proxy(example as RawEnv, { get: (target, key: string) => (asked.add(key), target[key]) });
    parseConfig(values, projectPaths(ROOT, '/c'));
    const known = new Set<string>([...ENV_CONTRACT.fileKeys, ...ENV_CONTRACT.optionalKeys]);
    assert.deepEqual([...asked].filter((key) => !known.has(key)), []);
  });

  test('.env precedence: the process environment > ETL_ENV_FILE (or .env) > .env.example', () => {
    const root = mkdtempSync(join(tmpdir(), 'etl-contract-'));
    writeFileSync(join(root, ENV_CONTRACT.example), read('.env.example'));
    const envFile = join(root, 'other.env');
    writeFileSync(envFile, 'MINIO_REGION=from-file\nGOLD_BUCKET=gold-from-file\n');
    const processEnv = { [ENV_CONTRACT.fileVariable]: envFile, MINIO_REGION: 'from-process', ETL_EXTRA: 'x' };
    const config = loadConfig(root, processEnv);
    assert.equal(config.minio.region, 'from-process');
    assert.equal(config.buckets.gold, 'gold-from-file');
    assert.equal(config.buckets.rawzone, parse(read('.env.example')).RAWZONE_BUCKET);
    assert.deepEqual(config.overrides, processEnv, 'prefixed variables reach the jobs');
    assert.deepEqual(ENV_CONTRACT.overridePrefixes, ['ETL_', 'MINIO_', 'SPARK_', 'ES_']);
  });

  test('default folders and files come from the contract', () => {
    const paths = projectPaths('/p', '/c');
    assert.equal(paths.state, join('/p', DEFAULT_PATHS.stateDir));
    assert.equal(paths.backup, join('/p', DEFAULT_PATHS.backupDir));
    assert.equal(paths.etlLogs, join('/p', DEFAULT_PATHS.logDir));
    assert.equal(manifestPath('/p', {}), join('/p', DEFAULT_PATHS.backupDir, DEFAULT_PATHS.manifestFile));
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', DEFAULT_PATHS.cacheName));
    assert.equal(ETL_POLICY_FILE, CONTRACT.minioPolicy.file);
    assert.doesNotThrow(() => JSON.parse(read(CONTRACT.minioPolicy.file)));
  });

  test('the Python floor: pyproject, the README and `etl setup` say the same', () => {
    const floor = PYTHON_FLOOR.replace('.', '\\.');
    assert.match(read('pyproject.toml'), new RegExp(`^requires-python = ">=${floor}"$`, 'm'));
    assert.ok(read('README.md').includes(`Python ≥ ${PYTHON_FLOOR}`), 'README states the floor');
    assert.ok(pythonAtLeast('3.11.2', '3.11') && pythonAtLeast('3.12.0', '3.11') && pythonAtLeast('4.0.0', '3.11'));
    assert.ok(!pythonAtLeast('3.10.12', '3.11') && !pythonAtLeast('2.7.18', '3.11'));
  });

  test('the contract file is where both languages look for it', () => {
    assert.match(read('src/etl/contract.py'), /PROJECT_ROOT \/ "config" \/ "contract\.json"/);
    assert.match(read('extension/core/contract.ts'), /from '\.\.\/\.\.\/config\/contract\.json'/);
  });
});

// Writes the copies of config/contract.json that a reader cannot take from the JSON itself:
// docker/spark-jars.txt (the Dockerfile bind-mounts a plain list into its jar download step,
// and changing that step's input is what rebuilds the runtime image's jar layer).
// Tests (tests/typescript/unit/contract.test.ts, tests/python/unit/test_compose_static.py) fail when it drifts.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const contract = JSON.parse(readFileSync(join(root, 'config', 'contract.json'), 'utf8'));

export function sparkJarsText(coordinates) {
  return [
    '# The s3a and Delta Lake jars baked into the runtime image (/opt/etl-cache/jars), as Maven coordinates.',
    // Kept word for word: any change to this file rebuilds the image's jar layer (a 560 MB download).
    '# Must equal PINS.sparkJars in extension/core/pins.ts (tests/python/unit/test_compose_static.py checks it).',
    ...coordinates,
    '',
  ].join('\n');
}

writeFileSync(join(root, 'docker', 'spark-jars.txt'), sparkJarsText(contract.sparkJars.coordinates));

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { COMPOSE_SHIPPER, renderShipperConfig } from '../../../extension/core/stack/logShipperConfig';
import { ROOT } from '../helpers/cli';

/**
 * The compose log shipper runs the configuration the native one runs: docker/log-shipper/rsyslog.conf (baked into
 * the image) is renderShipperConfig's output for the container's paths, so the two cannot drift.
 * COMPOSE_SHIPPER_WRITE=1 rewrites the file after a change of the renderer.
 */
const FILE = join(ROOT, 'docker', 'log-shipper', 'rsyslog.conf');

describe('the compose log shipper configuration', () => {
  test('docker/log-shipper/rsyslog.conf is what renderShipperConfig renders for the container', () => {
    const rendered = renderShipperConfig(COMPOSE_SHIPPER.paths, COMPOSE_SHIPPER.target);
    if (process.env.COMPOSE_SHIPPER_WRITE === '1') writeFileSync(FILE, rendered);
    assert.equal(
      readFileSync(FILE, 'utf8'),
      rendered,
      'docker/log-shipper/rsyslog.conf is stale: COMPOSE_SHIPPER_WRITE=1 node --test ' +
        'out/tests/unit/composeShipperConfig.test.js rewrites it',
    );
  });

  test('no secret in the file: the login is read from the container environment when rsyslogd starts', () => {
    const text = renderShipperConfig(COMPOSE_SHIPPER.paths, COMPOSE_SHIPPER.target);
    assert.match(text, /server="elasticsearch" serverport="9200"\n\s+uid=`echo \$ES_USERNAME` pwd=`echo \$ES_PASSWORD`\n/);
    assert.match(text, /file="\/opt\/etl\/ETL_logs\/\*\.log\*"/);
    assert.match(text, /workDirectory="\/var\/lib\/etl-shipper"/);
    const injected = { host: 'h', port: 1, login: { fromEnv: { user: 'A', password: '$(x)' } } };
    assert.throws(() => renderShipperConfig(COMPOSE_SHIPPER.paths, injected), /not an environment variable name/);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseEnv } from 'dotenv';
import { parse } from 'yaml';
import { OPTIONAL_SERVICES } from '../../../extension/core/config';
import { CATALOG, type CatalogEntry } from '../../../extension/core/stack/catalog';
import { COMPOSE_OPTIONAL, composeServices } from '../../../extension/core/stack/compose/services';
import { allNativeServices, SERVICE_NAMES } from '../../../extension/core/stack/services';
import { projectConfig, ROOT } from '../helpers/cli';

/** docker-compose.yml stays hand-written: these tests hold it to the catalog (extension/core/stack/catalog.ts). */

interface YamlService {
  ports?: string[];
  profiles?: string[];
  restart?: string;
  entrypoint?: string | string[];
  command?: string | string[];
  healthcheck?: { test?: string | string[] };
}

const COMPOSE_TEXT = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
/** The port defaults: .env.example's values, which docker-compose.yml's `${SETTING:-default}` repeat. */
const DEFAULTS = parseEnv(readFileSync(join(ROOT, '.env.example')));
const entries = CATALOG as readonly CatalogEntry[];

/** The services of a docker-compose.yml text, its `<<:` merges (x-spark) resolved. */
function composeFile(text: string): Record<string, YamlService> {
  return (parse(text, { merge: true }) as { services: Record<string, YamlService> }).services;
}

const words = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : (value ?? ''));

/** A one-shot service (minio-init, kibana-init, the `etl` runner): it never restarts, so it is no stack row. */
const isOneShot = (service: YamlService) => service.restart === 'no';

/** Every difference between docker-compose.yml (as `text`) and the catalog, one line each. */
function drift(text: string): string[] {
  const services = composeFile(text);
  const problems: string[] = [];
  for (const entry of entries) {
    const yaml = services[entry.name];
    if (!entry.compose) {
      if (yaml) problems.push(`${entry.name}: in docker-compose.yml, but the catalog has no compose mode for it`);
      continue;
    }
    if (!yaml) {
      problems.push(`${entry.name}: in the catalog, not in docker-compose.yml`);
      continue;
    }
    const expected = entry.ports
      .filter((p) => p.container !== undefined)
      .map((p) => `\${ETL_BIND_HOST:-127.0.0.1}:\${${p.setting}:-${DEFAULTS[p.setting]}}:${p.container}`);
    const published = yaml.ports ?? [];
    if (JSON.stringify(published) !== JSON.stringify(expected)) {
      const [is, says] = [published, expected].map((ports) => JSON.stringify(ports));
      problems.push(`${entry.name}: publishes ${is}, the catalog says ${says}`);
    }
    const profiles = yaml.profiles ?? [];
    const profile = entry.compose.profile;
    if (JSON.stringify(profiles) !== JSON.stringify(profile ? [profile] : [])) {
      problems.push(`${entry.name}: profiles ${JSON.stringify(profiles)}, the catalog says ${profile ?? 'none'}`);
    }
    if (isOneShot(yaml)) problems.push(`${entry.name}: a one-shot (restart "no") in docker-compose.yml`);
    const runs = `${words(yaml.entrypoint)} ${words(yaml.command)}`.replace(/\s+/g, ' ');
    if (entry.compose.command && !runs.includes(entry.compose.command)) {
      problems.push(`${entry.name}: runs "${runs.trim()}", the catalog says "${entry.compose.command}"`);
    }
    const probe = words(yaml.healthcheck?.test);
    if (!yaml.healthcheck) problems.push(`${entry.name}: no healthcheck in docker-compose.yml`);
    else if (entry.compose.health.path && !probe.includes(entry.compose.health.path)) {
      problems.push(`${entry.name}: its healthcheck "${probe}" does not probe ${entry.compose.health.path}`);
    }
  }
  for (const [name, service] of Object.entries(services)) {
    if (!isOneShot(service) && !entries.some((e) => e.name === name && e.compose)) {
      problems.push(`${name}: a long-running service of docker-compose.yml missing from the catalog`);
    }
  }
  return problems;
}

describe('the service catalog (extension/core/stack/catalog.ts)', () => {
  test('docker-compose.yml runs exactly the catalog\'s compose services, ports, profiles, commands and probes', () => {
    assert.deepEqual(drift(COMPOSE_TEXT), []);
  });

  test('a drift in docker-compose.yml is caught: a renamed port variable, a lost port, a service left out', () => {
    const renamed = COMPOSE_TEXT.replace('${MINIO_API_PORT:-9000}', '${MINIO_PORT:-9000}');
    assert.match(drift(renamed).join('\n'), /^minio: publishes .*MINIO_PORT/m);
    const rebound = COMPOSE_TEXT.replace('"${ETL_BIND_HOST:-127.0.0.1}:${KIBANA_PORT:-5601}:5601"', '"5601:5601"');
    assert.match(drift(rebound).join('\n'), /^kibana: publishes \["5601:5601"\]/m);
    const profiled = COMPOSE_TEXT.replace(/(\n {2}spark-connect:\n[^\n]*\n {4}profiles: )\[dev\]/, '$1[tools]');
    assert.match(drift(profiled).join('\n'), /^spark-connect: profiles \["tools"\]/m);
    const cadvisor = '\n  cadvisor:\n    image: x\n    restart: always\n';
    const extra = COMPOSE_TEXT.replace('\nsecrets:\n', `${cadvisor}\nsecrets:\n`);
    assert.match(drift(extra).join('\n'), /^cadvisor: a long-running service of docker-compose.yml missing/m);
    const unprobed = COMPOSE_TEXT.replace('http://localhost:18080/api/v1/version', 'http://localhost:18080/');
    assert.match(drift(unprobed).join('\n'), /^spark-history: its healthcheck/m);
  });

  test('every port setting has a default in .env.example, and no two services share one', () => {
    const settings = entries.flatMap((e) => e.ports.map((p) => p.setting));
    assert.deepEqual(settings.filter((s) => !/^\d+$/.test(DEFAULTS[s] ?? '')), []);
    assert.equal(new Set(settings).size, settings.length);
    for (const entry of entries) {
      if (entry.url && entry.name !== 'log-shipper') {
        const own = entry.ports.some((p) => p.setting === entry.url?.setting);
        assert.ok(own, `${entry.name}: its URL is on one of its own ports`);
      }
    }
  });

  test('the native stack, the compose stack and `up --with` read the catalog', () => {
    const config = projectConfig();
    assert.deepEqual([...SERVICE_NAMES], entries.filter((e) => e.native).map((e) => e.name));
    assert.deepEqual(
      allNativeServices(config).map((s) => [s.name, s.title]),
      entries.filter((e) => e.native).map((e) => [e.name, e.title]),
    );
    assert.deepEqual(
      composeServices(config).map((s) => [s.name, s.title, s.profile]),
      entries.filter((e) => e.compose).map((e) => [e.name, e.title, e.compose?.profile]),
    );
    const profiles = new Set(entries.flatMap((e) => (e.compose?.profile ? [e.compose.profile] : [])));
    assert.deepEqual([...COMPOSE_OPTIONAL].sort(), [...profiles].sort());
    for (const name of [...profiles, ...entries.flatMap((e) => (e.native?.with ? [e.native.with] : []))]) {
      assert.ok((OPTIONAL_SERVICES as readonly string[]).includes(name), `${name} is an \`up --with\` name`);
    }
  });
});

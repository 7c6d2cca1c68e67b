import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EtlError } from '../../../extension/core/errors';
import { engineDownError } from '../../../extension/core/stack/compose/provision';
import { resolveStackMode } from '../../../extension/core/stack/index';
import {
  assertNativeStackRuns,
  canRunNativeStack,
  defaultStackModeSetting,
  type HostPlatform,
} from '../../../extension/core/stack/platformSupport';

const linux: HostPlatform = { os: 'linux', arch: 'arm64' };
const mac: HostPlatform = { os: 'darwin', arch: 'arm64' };
const windows: HostPlatform = { os: 'win32', arch: 'x64' };

test('the native stack runs on Linux only', () => {
  assert.equal(canRunNativeStack(linux), true);
  assert.equal(canRunNativeStack(mac), false);
  assert.equal(canRunNativeStack(windows), false);
});

test('an empty ETL_STACK_MODE means native on Linux, compose elsewhere', () => {
  assert.equal(defaultStackModeSetting(linux), 'native');
  assert.equal(defaultStackModeSetting(mac), 'compose');
  assert.equal(defaultStackModeSetting(windows), 'compose');
});

const explainsUnsupported = (platform: string) => (error: unknown) =>
  error instanceof EtlError &&
  error.message.includes('Linux only') &&
  error.message.includes(platform) &&
  /etlSpark\.stack\.mode.*compose/.test(error.hint ?? '') &&
  /profile/.test(error.hint ?? '');

test('etl setup and an explicit native stack say where it runs and what to use instead', () => {
  assert.doesNotThrow(() => assertNativeStackRuns(linux));
  assert.throws(() => assertNativeStackRuns(mac), explainsUnsupported('darwin-arm64'));
  assert.throws(() => assertNativeStackRuns(windows), explainsUnsupported('win32-x64'));
});

test('off Linux, auto is compose and native fails before anything starts', async () => {
  assert.equal(await resolveStackMode('auto', undefined, mac), 'compose');
  assert.equal(await resolveStackMode('compose', undefined, windows), 'compose');
  await assert.rejects(resolveStackMode('native', undefined, mac), explainsUnsupported('darwin-arm64'));
});

test('on Linux, an explicit mode is kept as it was', async () => {
  assert.equal(await resolveStackMode('native', undefined, linux), 'native');
  assert.equal(await resolveStackMode('compose', undefined, linux), 'compose');
});

test('Docker not answering: native is suggested only where it runs', () => {
  assert.match(engineDownError(linux).hint ?? '', /--mode native/);
  assert.doesNotMatch(engineDownError(mac).hint ?? '', /native/);
  assert.match(engineDownError(mac).hint ?? '', /Docker Desktop.*darwin-arm64/);
});

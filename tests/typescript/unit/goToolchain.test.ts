import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GO_HOME_BINARY, goToolchain } from '../../../extension/core/setup/goToolchain';

test('goToolchain: a go on PATH is run by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'etl-go-'));
  writeFileSync(join(dir, 'go'), '#!/bin/sh\n');
  chmodSync(join(dir, 'go'), 0o755);
  assert.equal(goToolchain(`/nonexistent:${dir}`), 'go');
});

test('goToolchain: a go file that is not executable does not count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'etl-go-'));
  writeFileSync(join(dir, 'go'), '');
  chmodSync(join(dir, 'go'), 0o644);
  const expected = existsSync(GO_HOME_BINARY) ? GO_HOME_BINARY : undefined;
  assert.equal(goToolchain(dir), expected);
});

test('goToolchain: without go on PATH, Go\'s default install is used when it is there', () => {
  const expected = existsSync(GO_HOME_BINARY) ? GO_HOME_BINARY : undefined;
  assert.equal(goToolchain('/nonexistent'), expected);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CodeError, describeError, EtlError } from '../../../extension/core/errors';

// The `$etlSpark` problem matcher of package.json, against the lines the CLI and the Python steps really print.
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const [matcher] = manifest.contributes.problemMatchers;
const pattern = new RegExp(matcher.pattern.regexp);
const match = (line: string) => {
  const found = pattern.exec(line);
  return found && {
    file: found[matcher.pattern.file],
    line: Number(found[matcher.pattern.line]),
    message: found[matcher.pattern.message],
  };
};

test('the CLI line of a code error is a problem at its file and line', () => {
  const message = '[UNRESOLVED_COLUMN] `trip_distanc` cannot be resolved';
  const error = new CodeError(message, '/p/src/etl/transform/rules.py', 67);
  const [first] = `error: ${describeError(error)}`.split('\n'); // what cli.ts writes to stderr
  assert.deepEqual(match(first), { file: '/p/src/etl/transform/rules.py', line: 67, message });
});

test("the Python steps' own error lines match too, and an error with no place does not", () => {
  assert.equal(match('etl transform: error: /p/src/etl/transform/model.py:12: NameError: x')?.line, 12);
  const extract = 'etl extract: error: /p/src/etl/extract/run.py:3: KeyError: y';
  assert.equal(match(extract)?.file, '/p/src/etl/extract/run.py');
  assert.equal(match(`error: ${describeError(new EtlError('MinIO is down at 127.0.0.1:9000'))}`), null);
  assert.equal(match('etl transform: error: the Spark master is gone'), null);
  assert.equal(match('error: cannot reach http://127.0.0.1:9000: connection refused'), null); // a port is no line
  assert.equal(matcher.owner, 'etlSpark'); // the owner of the steps' diagnostics: a task's match replaces them
  assert.equal(matcher.fileLocation, 'absolute');
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/cli';

// Every command the extension contributes is run by a test in a real VS Code (tests/typescript/vscode): the suites call
// `executeCommand('<id>'` (or `promptly('<id>'`, the untrusted suite's bounded call); the user scenario picks
// `<Category>: <Title>` from the palette or `<Title>` from a context menu (`menuItem`). A new command without
// such a test fails here, naming it.
interface Contributed {
  command: string;
  title: string;
  category?: string;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { commands: Contributed[] };
};
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
const testSources = files(join(ROOT, 'tests', 'typescript', 'vscode'))
  .filter((f) => /\.(ts|mjs)$/.test(f))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a test runs `command`: through the API or from the palette; undefined when none does. */
function howTested(command: Contributed): string | undefined {
  // An optional type argument, as in executeCommand<QualityPanel>('etlSpark.runs.compare', …).
  const called = (fn: string, text: string) =>
    new RegExp(`${fn}(<[^(]*>)?\\(\\s*['"\`]${escape(text)}['"\`]`).test(testSources);
  if (called('(executeCommand|promptly)', command.command)) return 'executeCommand';
  if (called('palette', command.category ? `${command.category}: ${command.title}` : command.title)) return 'palette';
  return called('menuItem', command.title) ? 'context menu' : undefined;
}

test('every contributed command is run by a test in tests/typescript/vscode', () => {
  const commands = manifest.contributes.commands;
  assert.ok(commands.length >= 25, `only ${commands.length} commands read from package.json`);
  const untested = commands.filter((c) => !howTested(c)).map((c) => `${c.command} (${c.title})`);
  assert.deepEqual(untested, [], `commands no test in tests/typescript/vscode runs: ${untested.join(', ')}`);
});

test('the check itself: an id no test mentions is reported untested', () => {
  assert.equal(howTested({ command: 'etlSpark.noSuchCommand', title: 'No Such Command', category: 'ETL' }), undefined);
  assert.equal(howTested({ command: 'etlSpark.startStack', title: 'Start Stack', category: 'ETL' }), 'executeCommand');
});

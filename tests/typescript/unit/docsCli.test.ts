import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, ROOT } from '../helpers/cli';

// Docs drift: every `etl <command> [--flag]` the docs show in code (inline backticks or a fenced block) names a
// command, subcommand and flags that the built CLI's help lists. Placeholders (`etl …`, `etl <command>`,
// `--<flag>`) are skipped. Needs `npm run build` (dist/cli.js).

/** What the CLI offers: its commands, each with its options and its subcommands (each with its options). */
interface Command {
  options: Set<string>;
  subcommands: Map<string, Command>;
}

/** The names in one section ("Options:" or "Commands:") of commander's help text. */
function section(help: string, title: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => l.trim() === title);
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    // An entry starts at two spaces; its wrapped description is indented further.
    const entry = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line);
    if (entry) names.push(entry[1]);
  }
  return names;
}

function describeCommand(path: string[]): Command {
  const help = execFileSync(process.execPath, [CLI, ...path, '--help'], { cwd: ROOT, encoding: 'utf8' });
  const options = new Set<string>();
  for (const entry of section(help, 'Options:')) {
    for (const flag of entry.match(/--?[a-zA-Z][\w-]*/g) ?? []) options.add(flag);
  }
  const subcommands = new Map<string, Command>();
  for (const entry of section(help, 'Commands:')) {
    const name = entry.split(/\s/)[0];
    if (name !== 'help') subcommands.set(name, describeCommand([...path, name]));
  }
  return { options, subcommands };
}

/** One `etl …` mention: where it is, and its text from `etl` to where the command ends. */
interface Mention {
  where: string;
  text: string;
}

/** The code of a markdown file: each fenced block's lines, and each inline code span. */
function codeOf(markdown: string): { fenced: string[][]; inline: string[] } {
  const fenced: string[][] = [];
  const prose: string[] = [];
  let block: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      if (block) {
        fenced.push(block);
        block = undefined;
      } else block = [];
    } else if (block) block.push(line);
    else prose.push(line);
  }
  const inline = [...prose.join('\n').matchAll(/(`+)([^`]+?)\1/g)].map((m) => m[2].replace(/\n/g, ' '));
  return { fenced, inline };
}

// `etl` as a command: at the start, or after a shell separator or a prompt; `node dist/cli.js` and
// `npm run [-s] etl --` are the same CLI. Not `etl.extract`, `etl_pipeline`, `.etl/` nor `-T etl python`.
const AS_ETL = /(?:node dist\/cli\.js|npm run (?:-s )?etl --)(?=\s)/g;
const ETL_AT = /(?:^|[;&|(`]\s*|\$\s+|\$\(\s*)etl[ \t]+(?=\S)/g;

/** Every `etl …` mention in a piece of code; the text stops at a description column (3+ spaces). */
export function mentionsIn(code: string, where: string): Mention[] {
  const found: Mention[] = [];
  const lines = code.replace(AS_ETL, 'etl').split('\n');
  let last: Mention | undefined;
  for (const line of lines) {
    // A synopsis's continuation line: indented, then flags.
    const more = /^\s+(\[?--?[a-zA-Z].*)$/.exec(line);
    if (last && more) {
      last.text += ' ' + more[1].split(/ {3,}/)[0];
      continue;
    }
    last = undefined;
    for (const m of line.matchAll(ETL_AT)) {
      const rest = line.slice((m.index ?? 0) + m[0].length).split(/ {3,}/)[0];
      last = { where, text: rest };
      found.push(last);
    }
  }
  return found;
}

const WORD = /^[a-z][a-z0-9-]*$/;
// A flag; `--as-of-*` or `--…` is a placeholder for several.
const FLAG = /(?:^|[\s[(|])(--?[a-zA-Z][\w-]*)(?![\w*…-])/g;

/** What a mention names that the CLI lacks (empty when it is all there, or a placeholder). */
export function problemsOf(mention: Mention, program: Command): string[] {
  // Quoted arguments (SQL, templates) may hold anything; redirections, `&&`, `;` and the `)` of a `$(…)` end
  // the command.
  const text = mention.text.replace(/"[^"]*"|'[^']*'/g, 'ARG').split(/\s(?:&&|\|\||;|>|2>)\s?|[;`)]/)[0];
  const tokens = text.trim().split(/\s+/);
  const first = tokens[0] ?? '';
  const names = first.split('|');
  if (!names.every((n) => WORD.test(n))) return []; // a placeholder: etl …, etl <command>, etl TABLE
  const problems: string[] = [];
  for (const name of names) {
    const command = program.subcommands.get(name);
    if (!command) {
      problems.push(`no command "etl ${name}"`);
      continue;
    }
    let current = command;
    let label = `etl ${name}`;
    // The rest: a subcommand (also after ` | `, the synopsis's alternatives), flags, arguments.
    // A ` | ` followed by neither a subcommand nor a flag pipes into another program: the mention ends there.
    let afterBar = true;
    let piped = false;
    for (const [i, token] of tokens.entries()) {
      if (i === 0) continue;
      if (token === '|') {
        afterBar = true;
        piped = i > 1;
        continue;
      }
      const sub = command.subcommands.get(token);
      if (afterBar && sub) {
        current = sub;
        label = `etl ${name} ${token}`;
      } else if (afterBar && command.subcommands.size > 0 && current === command && WORD.test(token)) {
        problems.push(`no command "etl ${name} ${token}"`);
      } else if (piped && !/^[[-]/.test(token)) break;
      afterBar = false;
      piped = false;
      for (const flag of ` ${token}`.matchAll(FLAG)) {
        if (!current.options.has(flag[1])) problems.push(`"${label}" has no option ${flag[1]}`);
      }
    }
  }
  return problems.map((p) => `${mention.where}: \`etl ${mention.text.trim()}\`: ${p}`);
}

const docs = ['README.md', 'CONTRIBUTING.md']
  .filter((f) => existsSync(join(ROOT, f)))
  .map((f) => join(ROOT, f))
  .concat(readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f)));

describe('docs name only commands and flags the etl CLI has', () => {
  const program = describeCommand([]);

  test('the help is read: commands, subcommands and flags', () => {
    assert.ok(program.subcommands.get('query')?.options.has('--as-of-run'));
    assert.ok(program.subcommands.get('profile')?.subcommands.get('show')?.options.has('--json'));
    assert.ok(program.subcommands.get('gold')?.subcommands.get('compare')?.options.has('--version'));
  });

  test('an invented command, subcommand or flag is caught; placeholders and other programs are not', () => {
    const check = (code: string) => mentionsIn(code, 'x.md').flatMap((m) => problemsOf(m, program));
    assert.match(check('etl transform --frobnicate').join('\n'), /has no option --frobnicate/);
    assert.match(check('etl frobnicate').join('\n'), /no command "etl frobnicate"/);
    assert.match(check('etl profile frob').join('\n'), /no command "etl profile frob"/);
    assert.match(check('etl gold compare fact_trips --versoin 3').join('\n'), /has no option --versoin/);
    assert.match(check('x && node dist/cli.js up --wiht dev').join('\n'), /"etl up" has no option --wiht/);
    assert.match(check('etl extract --months 2024-01\n    [--nope]').join('\n'), /--nope/);
    assert.match(check('etl start|stop <service> [--moed …]').join('\n'), /"etl stop" has no option --moed/);
    for (const fine of [
      'etl …',
      'etl <command> --<flag>',
      'etl TABLE',
      'etl profile list | use NAME | show [NAME] [--json]',
      'etl query "SELECT 1 -- a --comment" --limit 5',
      'etl status --json | jq -r .services',
      'docker compose run --rm --no-deps -T etl python -m etl.extract --months 2024-01 --sample',
      '"$ETL_PYTHON" -m etl.submit --run "$ETL_RUN_ID"',
      'etl setup --tests && etl up --with dev',
      'etl status     each service, --frobnicate in its description',
      'etl query --as-of-* (time travel)',
      '"$(etl which python)" benchmarks/bench_transform.py --rows 20000',
    ]) {
      assert.deepEqual(check(fine), [], fine);
    }
  });

  test('README.md, CONTRIBUTING.md and docs/*.md', () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of docs) {
      const where = relative(ROOT, file);
      const { fenced, inline } = codeOf(readFileSync(file, 'utf8'));
      const mentions = [...fenced.flatMap((b) => mentionsIn(b.join('\n'), where)),
        ...inline.flatMap((c) => mentionsIn(c, where))];
      count += mentions.length;
      for (const mention of mentions) problems.push(...problemsOf(mention, program));
    }
    assert.ok(count > 50, `only ${count} etl mentions found: is the scanner still reading the docs?`);
    console.log(`${count} etl mentions checked`);
    assert.deepEqual(problems, [], `the docs name what the CLI lacks:\n${problems.join('\n')}`);
  });
});

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** A position in a text file, 0-based (as VS Code counts). */
export interface TextPosition {
  line: number;
  character: number;
}

export interface TextRange {
  start: TextPosition;
  end: TextPosition;
}

/** One check of config/checks.yaml and where it is written. */
export interface LocatedCheck {
  name: string;
  /** The gold table it checks ('' when the entry names none: the schema refuses it, the file still opens). */
  table: string;
  severity?: string;
  kind?: string;
  description?: string;
  /** The `name:` value: where the Testing view and Problems point. */
  range: TextRange;
  /** The whole list entry, from its `- ` to its last field. */
  entryRange: TextRange;
}

/** What the file holds: its checks in order, and what is wrong with it (a YAML error, an entry without a name…). */
export interface ChecksFile {
  checks: LocatedCheck[];
  problems: { message: string; range: TextRange }[];
}

const text = (node: unknown): string | undefined => {
  if (!isScalar(node)) return undefined;
  return node.value === null || node.value === undefined ? undefined : String(node.value);
};

/**
 * Finds each check's name and lines in the text of config/checks.yaml with the `yaml` package's parser (positions
 * from its LineCounter). Tolerant: the file is being edited, so a YAML error or a bad entry is a problem, not a throw;
 * the entries that can be read are still returned. A name given twice is kept once (its first entry), the second is a
 * problem.
 */
export function locateChecks(source: string): ChecksFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const position = (offset: number): TextPosition => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, source.length)));
    return { line: line - 1, character: col - 1 };
  };
  const rangeOf = (node: Node | undefined, fallback = 0): TextRange => {
    const [start, end] = node?.range ?? [fallback, fallback];
    return { start: position(start), end: position(end) };
  };
  const problems: ChecksFile['problems'] = doc.errors.map((error) => ({
    message: error.message.split('\n')[0],
    range: { start: position(error.pos[0]), end: position(error.pos[1]) },
  }));
  const checks: LocatedCheck[] = [];
  const root = doc.contents;
  const list = isMap(root) ? root.get('checks', true) : undefined;
  if (!isSeq(list)) {
    if (!problems.length) problems.push({ message: 'no "checks:" list', range: rangeOf(root ?? undefined) });
    return { checks, problems };
  }
  const seen = new Set<string>();
  for (const entry of list.items) {
    if (!isMap(entry)) {
      const message = 'a check is a mapping (name, kind, table, severity, …)';
      problems.push({ message, range: rangeOf(entry as Node) });
      continue;
    }
    const nameNode = entry.get('name', true);
    const name = text(nameNode);
    if (!name) {
      problems.push({ message: 'a check without a name', range: rangeOf(entry) });
      continue;
    }
    if (seen.has(name)) {
      problems.push({ message: `check ${name} is named twice (names are unique)`, range: rangeOf(nameNode) });
      continue;
    }
    seen.add(name);
    checks.push({
      name,
      table: text(entry.get('table', true)) ?? '',
      severity: text(entry.get('severity', true)),
      kind: text(entry.get('kind', true)),
      description: text(entry.get('description', true)),
      range: rangeOf(nameNode),
      entryRange: rangeOf(entry),
    });
  }
  return { checks, problems };
}

/** The checks grouped by table, in the order the file first names each table. */
export function checksByTable(checks: LocatedCheck[]): Map<string, LocatedCheck[]> {
  const groups = new Map<string, LocatedCheck[]>();
  for (const check of checks) {
    const group = groups.get(check.table) ?? [];
    group.push(check);
    groups.set(check.table, group);
  }
  return groups;
}

import { isAbsolute, normalize, sep } from 'node:path';
import type { CatalogAsOf } from './asOf';
import { exportStem } from './export';
import { statementBody } from './sql';

/** Where "Save as SQL File" proposes to keep a query: `queries/` of the workspace. */
export const QUERIES_FOLDER = 'queries';

/**
 * A free name under queries/ for a query, after the tables it reads (`queries/query-fact_trips.sql`), `-2`, `-3`, …
 * added when `taken` says the name is used.
 */
export function sqlFileName(sql: string, taken: (relative: string) => boolean): string {
  const stem = exportStem({ title: '', sql });
  for (let n = 1; ; n += 1) {
    const name = `${QUERIES_FOLDER}/${stem}${n === 1 ? '' : `-${n}`}.sql`;
    if (!taken(name)) return name;
  }
}

/** Why a path typed for a new .sql file cannot be used (undefined when it can): inside the workspace, `.sql`. */
export function sqlFilePathProblem(relative: string): string | undefined {
  const path = relative.trim();
  if (!path) return 'type a file name, e.g. queries/revenue.sql';
  if (isAbsolute(path)) return 'a path inside the workspace folder, e.g. queries/revenue.sql';
  if (normalize(path).split(sep).includes('..')) return 'a path inside the workspace folder (no "..")';
  if (!path.toLowerCase().endsWith('.sql')) return 'the name ends with .sql (the Run on Gold lens shows on .sql files)';
  return undefined;
}

/**
 * The file's text: the query and a `;`, after a comment that says where it came from; a query made "as of" a past
 * point says so (Run on Gold reads the current tables).
 */
export function sqlFileText(sql: string, asOf?: CatalogAsOf): string {
  const when = !asOf
    ? ''
    : 'run' in asOf
      ? ` (asked as of run ${asOf.run}; Run on Gold reads the current tables)`
      : 'version' in asOf
        ? ` (asked as of version ${asOf.version}; Run on Gold reads the current tables)`
        : ` (asked as of ${new Date(asOf.timestamp).toISOString()}; Run on Gold reads the current tables)`;
  return `-- Saved from Query Gold…${when} — its Run on Gold lens (or Ctrl/Cmd+Alt+Enter) runs it again.\n` +
    `${statementBody(sql)};\n`;
}

import { isUnchanged, type SchemaChange, type TableDiff } from './model';

const num = (value: number) => value.toLocaleString('en-US');
const signed = (value: number, sign: '+' | '-') => (value ? `${sign}${num(value)}` : '0');

/** "+ column x DOUBLE", "- column y", "type of z: INTEGER → BIGINT". */
export function describeSchema(schema: SchemaChange): string[] {
  return [
    ...schema.added.map((c) => `+ column ${c.name} ${c.type}`),
    ...schema.removed.map((c) => `- column ${c.name} ${c.type}`),
    ...schema.retyped.map((c) => `type of ${c.name}: ${c.before} → ${c.after}`),
  ];
}

/**
 * The diffs as a text table: per table rows before and after, added, removed, changed; under a changed table
 * its schema changes, the partitions that changed (a partitioned diff), a keyless table's groups (rules) that
 * moved, and its changed columns with an example each. Unchanged tables share one line at the end.
 */
export function formatDiffs(diffs: TableDiff[]): string {
  const labels = diffs.flatMap((d) => (d.partitions ?? []).map((p) => p.label.length + 4));
  const width = Math.max(28, ...diffs.map((d) => d.table.length + 2), ...labels);
  const columns = ['before', 'after', 'added', 'removed', 'changed'];
  const head = `${'table'.padEnd(width)}${columns.map((h) => h.padStart(10)).join('')}`;
  const lines = [head];
  const unchanged: string[] = [];
  for (const diff of diffs) {
    if (isUnchanged(diff)) {
      unchanged.push(diff.table);
      continue;
    }
    const changed = diff.key.length ? num(diff.changed) : '-';
    lines.push(
      `${diff.table.padEnd(width)}${[num(diff.rowsBefore), num(diff.rowsAfter), signed(diff.added, '+'),
        signed(diff.removed, '-'), changed].map((v) => v.padStart(10)).join('')}`,
    );
    for (const text of describeSchema(diff.schema)) lines.push(`  ${text}`);
    for (const part of diff.partitions ?? []) {
      if (!part.added && !part.removed && !part.changed && part.before === part.after) continue;
      const partChanged = diff.key.length ? num(part.changed) : '-';
      lines.push(
        `${`  ${part.label}`.padEnd(width)}${[num(part.before), num(part.after), signed(part.added, '+'),
          signed(part.removed, '-'), partChanged].map((v) => v.padStart(10)).join('')}`,
      );
    }
    for (const group of diff.groups ?? []) {
      if (!group.added && !group.removed) continue;
      lines.push(
        `${`  ${group.value ?? '(kept)'}`.padEnd(width)}${[num(group.before), num(group.after),
          signed(group.added, '+'), signed(group.removed, '-'), ''].map((v) => v.padStart(10)).join('')}`,
      );
    }
    for (const column of diff.columns) {
      const example = column.examples[0];
      const shown = example ? ` (e.g. ${example.key}: ${example.before ?? 'null'} → ${example.after ?? 'null'})` : '';
      lines.push(`  ${column.column}: ${num(column.changed)} changed${shown}`);
    }
  }
  if (unchanged.length === diffs.length) return `no change in any table (${unchanged.join(', ')})`;
  if (unchanged.length) lines.push(`unchanged: ${unchanged.join(', ')}`);
  return lines.join('\n');
}

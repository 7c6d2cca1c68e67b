/** A field of a Delta metaData schemaString (types of nested fields are JSON objects). */
interface SchemaField {
  name: string;
  type: unknown;
  nullable: boolean;
}

/** What a metaData action says about the table's shape. */
export interface TableShape {
  schemaString: string;
  partitionColumns: string[];
}

const typeText = (type: unknown) => (typeof type === 'string' ? type : JSON.stringify(type));
const yesNo = (nullable: boolean) => (nullable ? 'yes' : 'no');

/** The fields of a metaData's schema; undefined when it is not a Spark schema (a damaged log). */
function fieldsOf(shape: TableShape): SchemaField[] | undefined {
  try {
    const fields = (JSON.parse(shape.schemaString) as { fields?: unknown }).fields;
    return Array.isArray(fields) ? (fields as SchemaField[]) : undefined;
  } catch {
    return undefined;
  }
}

export const UNREADABLE_SCHEMA = "schema not readable (this commit's metaData is damaged)";

/**
 * How a commit's metaData changed the table, one line per change ("+ column x double", "- column y",
 * "type of y: integer → long", "nullable of z: no → yes"). No `before`: the table's creation, which
 * changes nothing. A metaData rewritten with the same schema (an overwrite) gives no line.
 */
export function schemaChanges(before: TableShape | undefined, after: TableShape): string[] {
  if (!before) return [];
  const earlier = fieldsOf(before);
  const now = fieldsOf(after);
  if (!earlier || !now) return [UNREADABLE_SCHEMA];
  const old = new Map(earlier.map((f) => [f.name, f]));
  const lines: string[] = [];
  for (const field of now) {
    const was = old.get(field.name);
    if (!was) {
      lines.push(`+ column ${field.name} ${typeText(field.type)}`);
      continue;
    }
    if (typeText(was.type) !== typeText(field.type))
      lines.push(`type of ${field.name}: ${typeText(was.type)} → ${typeText(field.type)}`);
    if (was.nullable !== field.nullable)
      lines.push(`nullable of ${field.name}: ${yesNo(was.nullable)} → ${yesNo(field.nullable)}`);
  }
  const kept = new Set(now.map((f) => f.name));
  for (const name of old.keys()) if (!kept.has(name)) lines.push(`- column ${name}`);
  const partitioned = (cols: string[]) => (cols.length ? cols.join(', ') : 'nothing');
  if (before.partitionColumns.join('\0') !== after.partitionColumns.join('\0'))
    lines.push(
      `partitioned by: ${partitioned(before.partitionColumns)} → ${partitioned(after.partitionColumns)}`,
    );
  return lines;
}

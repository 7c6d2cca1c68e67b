import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import extractEventsSchema from '../../config/extract-events.schema.json';
import previewEventsSchema from '../../config/preview-events.schema.json';
import profilesSchema from '../../config/profiles.schema.json';
import qualityReportSchema from '../../config/quality-report.schema.json';
import restoreEventsSchema from '../../config/restore-events.schema.json';
import transformEventsSchema from '../../config/transform-events.schema.json';

/**
 * The JSON Schemas of config/ that parsed JSON is validated against where it enters (the progress events of the
 * Python steps: extract, transform, preview, restore; the profile file, the quality report). Python's tests validate
 * what it emits against the same files.
 * Each validator is compiled once, on first use (ajv generates a function: a progress line costs one call).
 */
export const SCHEMAS = {
  extractEvents: extractEventsSchema,
  transformEvents: transformEventsSchema,
  previewEvents: previewEventsSchema,
  restoreEvents: restoreEventsSchema,
  qualityReport: qualityReportSchema,
  profiles: profilesSchema,
} as const;
export type SchemaName = keyof typeof SCHEMAS;

let ajv: Ajv | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function instance(): Ajv {
  // discriminator: the events' oneOf picks its branch by `event` (one branch checked, its errors reported).
  ajv ??= new Ajv({ discriminator: true, allowUnionTypes: true, strictTypes: false, allErrors: false });
  for (const schema of Object.values(SCHEMAS)) {
    if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema);
  }
  return ajv;
}

/** The compiled validator of a schema of config/ (compiled on first use, then reused). */
export function validator<T>(name: SchemaName): ValidateFunction<T> {
  let validate = compiled.get(name);
  if (!validate) {
    validate = instance().getSchema(SCHEMAS[name].$id)!;
    compiled.set(name, validate);
  }
  return validate as ValidateFunction<T>;
}

/** The first error as `field "months/0" must match pattern …` (the field as a path in the document). */
export function describeSchemaError(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'does not match its schema';
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const field = (name: string) => {
    const path = [error.instancePath.slice(1), name].filter(Boolean).join('/');
    return path ? `field "${path}"` : 'the top level';
  };
  if (error.keyword === 'required') return `${field(params.missingProperty ?? '')} is missing`;
  if (error.keyword === 'additionalProperties') return `${field(params.additionalProperty ?? '')} is not known`;
  return `${field('')} ${error.message ?? 'is invalid'}`;
}

/** The value when it matches the schema, else undefined with the reason given to `onInvalid`. */
export function validated<T>(name: SchemaName, value: unknown, onInvalid?: (reason: string) => void): T | undefined {
  const validate = validator<T>(name);
  if (validate(value)) return value;
  onInvalid?.(describeSchemaError(validate.errors));
  return undefined;
}

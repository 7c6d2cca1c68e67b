import { CONTRACT } from './contract';
import { UsageError } from './errors';

/**
 * A run id given as input (config/contract.json `runId`): it names objects (gold/_quality/<id>.json), local files
 * and log fields, so letters, digits and `_.:+-` only: no `/`, no `..` segment, no quote, markup or control
 * character gets through. Airflow's ids (manual__2024-01-01T00:00:00+00:00) fit.
 */
export const RUN_ID = new RegExp(CONTRACT.runId.pattern);

/** The id, or a usage error naming the option and the id (JSON-quoted: a control character shows as \u001b). */
export function checkRunId(id: string, option: string): string {
  if (!RUN_ID.test(id))
    throw new UsageError(`${option} ${JSON.stringify(id)} is not a run id`,
      'a run id is 1-200 letters, digits and _.:+-, starting with a letter or digit (the Runs view lists them)');
  return id;
}

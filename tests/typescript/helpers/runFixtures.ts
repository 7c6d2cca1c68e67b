import type { ManifestRun } from '../../../extension/core/manifest/model';

/** A manifest's extraction run for the Runs view's unit tests: one month, ended 30 s after it started. */
export const extractRun = (
  id: string,
  start: string,
  status: ManifestRun['status'] = 'succeeded',
  months = ['2024-01'],
): ManifestRun => ({
  run_id: id,
  step: 'extract',
  status,
  started_at: start,
  ended_at: status === 'running' ? null : start.replace(':00Z', ':30Z'),
  months,
  source_template: 'file:///x/{YYYY}-{MM}',
  zones_source: null,
  bucket: 'rawzone',
  minio_endpoint: 'http://x',
  error: null,
  files: [],
});

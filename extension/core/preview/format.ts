import { formatDiffs } from '../diff/format';
import type { PreviewDiff } from './compare';

/** `etl preview`'s summary: what ran on what, the diff table, where the time went. */
export function formatPreview(diff: PreviewDiff): string {
  const { preview } = diff;
  const versions = Object.entries(diff.goldVersions)
    .map(([table, version]) => `${table} ${version === null ? 'absent' : `v${version}`}`)
    .join(', ');
  const phases = Object.entries(preview.phases_s).map(([phase, s]) => `${phase} ${s.toFixed(1)}`).join(', ');
  return [
    `preview ${preview.id}: ${preview.described} (${preview.months.join(', ')}) through the working tree's transform`,
    `compared with gold as it is (${versions}); nothing was published`,
    '',
    formatDiffs(diff.tables),
    '',
    `time: preview ${preview.seconds.toFixed(1)} s (${phases}), diff ${diff.diffSeconds.toFixed(1)} s`,
  ].join('\n');
}

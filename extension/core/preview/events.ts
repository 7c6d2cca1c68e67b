import { parseJsonEvent } from '../pythonModule';
import type { QualityCounts } from '../transform/events';

/**
 * The JSON events `python -m etl.dev.preview` prints on stdout, one a line (src/etl/dev/preview.py); their schema is
 * config/preview-events.schema.json, which parsePreviewLine validates.
 */
export type PreviewEvent =
  | { event: 'preview_start'; preview_id: string; out: string }
  | {
      event: 'preview_inputs';
      preview_id: string;
      described: string;
      months: string[];
      inputs: string[];
      zones: string;
    }
  | { event: 'phase'; phase: string }
  | ({ event: 'preview_done'; preview_id: string; status: 'succeeded'; seconds: number } & PreviewOutputFields)
  | {
      event: 'preview_done';
      /** Absent when the dev session itself could not run the request (src/etl/dev/worker.py). */
      preview_id?: string;
      status: 'failed';
      seconds: number;
      error: string;
      /** Where in the edited code it failed (a path as the Python process saw it), when known. */
      file: string | null;
      line: number | null;
    };

export interface PreviewOutputFields {
  described: string;
  months: string[];
  inputs: string[];
  /** Every gold table the preview wrote (its folder under the preview's own). */
  tables: string[];
  counts: QualityCounts;
  phases_s: Record<string, number>;
}

/** A stdout line as its event, validated against config/preview-events.schema.json (else undefined, noise). */
export const parsePreviewLine = (line: string, onInvalid?: (reason: string) => void) =>
  parseJsonEvent<PreviewEvent>(line, 'previewEvents', onInvalid);

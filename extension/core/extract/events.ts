import { parseJsonEvent } from '../pythonModule';

/** Progress events of `python -m etl.extract --progress-json` (config/extract-events.schema.json). */
export type ExtractEvent =
  | {
      event: 'run_start';
      run_id: string;
      months: string[];
      source: string;
      zones_source: string | null;
      bucket: string;
    }
  | { event: 'file_start'; kind: 'trips' | 'zones'; month: string | null; url: string; path: string }
  | { event: 'bytes'; kind: 'trips' | 'zones'; month: string | null; bytes: number; total: number | null }
  | { event: 'retry'; kind: 'trips' | 'zones'; month: string | null; attempt: number; delay_s: number; error: string }
  | {
      event: 'file_done';
      kind: 'trips' | 'zones';
      month: string | null;
      url: string;
      path: string;
      size: number;
      sha256: string;
      status: 'uploaded' | 'skipped' | 'replaced';
    }
  | { event: 'file_failed'; kind: 'trips' | 'zones'; month: string | null; url: string; error: string }
  | {
      event: 'run_done';
      run_id: string;
      status: 'succeeded' | 'failed';
      files: number;
      bytes: number;
      manifest: string;
      error: string | null;
    }
  /** A fault of the extractor's code: its message, and the package's file and line that raised it when known. */
  | { event: 'crashed'; error: string; file: string | null; line: number | null };

/**
 * A stdout line as an event validated against config/extract-events.schema.json, or undefined for anything else
 * (never throws on noise; a JSON line that does not match is told to `onInvalid`).
 */
export const parseEventLine = (line: string, onInvalid?: (reason: string) => void) =>
  parseJsonEvent<ExtractEvent>(line, 'extractEvents', onInvalid);

/** One file in flight: its name in the display, bytes so far and the size announced (or null). */
interface InFlight {
  name: string;
  bytes: number;
  total: number | null;
}

/**
 * Running totals for a progress display: files done of planned, bytes of the finished files plus the
 * ones in flight. The extractor transfers up to `--parallel` files at once, so events of several files
 * interleave; each is keyed by its kind and month.
 */
export class ExtractProgress {
  runId = '';
  plannedFiles = 0;
  doneFiles = 0;
  doneBytes = 0;
  private readonly inFlight = new Map<string, InFlight>();

  apply(event: ExtractEvent): void {
    switch (event.event) {
      case 'run_start':
        this.runId = event.run_id;
        this.plannedFiles = event.months.length + (event.zones_source ? 1 : 0);
        break;
      case 'file_start':
        this.inFlight.set(fileKey(event), { name: event.month ?? 'zone table', bytes: 0, total: null });
        break;
      case 'bytes': {
        const file = this.inFlight.get(fileKey(event));
        if (file) Object.assign(file, { bytes: event.bytes, total: event.total });
        break;
      }
      case 'file_done':
        this.doneFiles += 1;
        this.doneBytes += event.size;
        this.inFlight.delete(fileKey(event));
        break;
      case 'file_failed':
        this.inFlight.delete(fileKey(event));
        break;
      default:
        break;
    }
  }

  get bytes(): number {
    let inFlight = 0;
    for (const file of this.inFlight.values()) inFlight += file.bytes;
    return this.doneBytes + inFlight;
  }

  /** "files 1/3, 532.7 kB — 2024-02 45%" (files in flight separated by commas) */
  describe(): string {
    const now = [...this.inFlight.values()].map((file) => {
      const percent = file.total ? ` ${Math.floor((100 * file.bytes) / file.total)}%` : '';
      return `${file.name}${percent}`;
    });
    const current = now.length ? ` — ${now.join(', ')}` : '';
    return `files ${this.doneFiles}/${this.plannedFiles || '?'}, ${formatBytes(this.bytes)}${current}`;
  }
}

const fileKey = (event: { kind: string; month: string | null }) => `${event.kind}:${event.month ?? ''}`;

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit += 1;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value.toFixed(1)} ${units[unit]}`;
}

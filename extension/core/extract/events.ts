import { parseJsonEvent } from '../pythonModule';

/** Progress events of `python -m etl.extract --progress-json` (docs/extraction.md). */
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
    };

/** A stdout line as an event, or undefined for anything else (never throws on noise). */
export const parseEventLine = (line: string) => parseJsonEvent<ExtractEvent>(line);

/** Running totals for a progress display: files done of planned, bytes of the finished files plus the current one. */
export class ExtractProgress {
  runId = '';
  plannedFiles = 0;
  doneFiles = 0;
  doneBytes = 0;
  currentBytes = 0;
  currentTotal: number | null = null;
  current = '';

  apply(event: ExtractEvent): void {
    switch (event.event) {
      case 'run_start':
        this.runId = event.run_id;
        this.plannedFiles = event.months.length + (event.zones_source ? 1 : 0);
        break;
      case 'file_start':
        this.current = event.month ?? 'zone table';
        this.currentBytes = 0;
        this.currentTotal = null;
        break;
      case 'bytes':
        this.currentBytes = event.bytes;
        this.currentTotal = event.total;
        break;
      case 'file_done':
        this.doneFiles += 1;
        this.doneBytes += event.size;
        this.currentBytes = 0;
        this.current = '';
        break;
      default:
        break;
    }
  }

  get bytes(): number {
    return this.doneBytes + this.currentBytes;
  }

  /** "files 1/3, 532.7 kB — 2024-02 45%" */
  describe(): string {
    const percent = this.currentTotal ? ` ${Math.floor((100 * this.currentBytes) / this.currentTotal)}%` : '';
    const now = this.current ? ` — ${this.current}${percent}` : '';
    return `files ${this.doneFiles}/${this.plannedFiles || '?'}, ${formatBytes(this.bytes)}${now}`;
  }
}

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

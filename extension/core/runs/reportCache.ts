import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ObjectEntry } from '../s3/listing';
import { validated } from '../schemas';
import type { QualityReport } from './report';

export type Cached = QualityReport | { error: string };
interface Entry {
  stamp: string;
  report: Cached;
}
/** Bumped when the file's shape changes: an older file is ignored, not misread. */
const FORMAT = 1;

const stampOf = (entry: ObjectEntry) => `${entry.size}@${entry.lastModified.getTime()}`;

/** The on-disk copy for one store's gold bucket: profiles and modes with other stores never share it. */
export function reportCacheFile(stateDir: string, endpoint: string, bucket: string): string {
  const id = createHash('sha256').update(`${endpoint}/${bucket}`).digest('hex').slice(0, 16);
  return join(stateDir, 'cache', `quality-reports-${id}.json`);
}

/**
 * Reports are written once per run id: a copy is good while the object's size and date stay. With a
 * `file`, the copies outlive the window: a new window's first paint needs the listing only, not a GET
 * per report (1,000 runs: ~1 s of GETs). The file is a cache: unreadable or of another format, it is
 * ignored; its writes are atomic (a killed window leaves the previous file); a failed write is ignored.
 */
export class ReportCache {
  private readonly entries = new Map<string, Entry>();
  private changed = false;

  constructor(readonly file?: string) {
    if (file) this.readFile(file);
  }

  get(entry: ObjectEntry): Cached | undefined {
    const hit = this.entries.get(entry.key);
    return hit && hit.stamp === stampOf(entry) ? hit.report : undefined;
  }

  set(entry: ObjectEntry, report: Cached): void {
    this.entries.set(entry.key, { stamp: stampOf(entry), report });
    this.changed ||= 'run_id' in report;
  }

  /** Forgets the reports no longer listed (a deleted run), so the file does not grow for ever. */
  retain(listed: ObjectEntry[]): void {
    const keys = new Set(listed.map((e) => e.key));
    for (const key of this.entries.keys()) {
      if (keys.has(key)) continue;
      this.entries.delete(key);
      this.changed = true;
    }
  }

  /** Writes the file when a report was read or forgotten since the last write (errors are not kept). */
  save(): void {
    if (!this.file || !this.changed) return;
    const kept = Object.fromEntries([...this.entries].filter(([, e]) => 'run_id' in e.report));
    const partial = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(partial, JSON.stringify({ format: FORMAT, entries: kept }));
      renameSync(partial, this.file);
      this.changed = false;
    } catch {
      rmSync(partial, { force: true });
    }
  }

  private readFile(file: string): void {
    let value: { format?: unknown; entries?: Record<string, Partial<Entry>> };
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return; // none yet, or torn by hand: read again from the store
    }
    if (value?.format !== FORMAT || typeof value.entries !== 'object' || value.entries === null) return;
    for (const [key, entry] of Object.entries(value.entries)) {
      const report = validated<QualityReport>('qualityReport', entry?.report);
      if (typeof entry?.stamp === 'string' && report) this.entries.set(key, { stamp: entry.stamp, report });
    }
  }
}

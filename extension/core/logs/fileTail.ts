import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { matchesFilter, parseEcsLine, type LogFilter, type LogRecord } from './record';

export interface LogSource {
  readonly kind: 'files' | 'elasticsearch';
  start(): Promise<void>;
  stop(): void;
}

export type RecordSink = (records: LogRecord[]) => void;

interface FollowedFile {
  path: string;
  fd: number;
  ino: number;
  offset: number;
  /** Bytes after the last newline: a line still being written. */
  partial: Buffer;
}

const CHUNK = 1024 * 1024;
/** RotatingFileHandler keeps x.log.1 … x.log.N; etl.logger uses 5, other handlers more. */
const MAX_BACKUPS = 20;

/**
 * Follows `<dir>/*.log` (ECS JSON lines from src/etl/logger.py):
 * - appends: each poll reads from the last offset to the end;
 * - rotation (RotatingFileHandler renames step.log → step.log.1 and starts a new one):
 *   the open descriptor still reads the renamed file to its end, then the new file is opened from 0;
 * - truncation (size below our offset): restart from 0;
 * - partial lines: kept until their newline arrives.
 * Polling (not fs.watch) because inotify misses renames on some filesystems and is per-process limited.
 */
export class FileLogTail implements LogSource {
  readonly kind = 'files' as const;
  private readonly files = new Map<string, FollowedFile>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    private readonly sink: RecordSink,
    private readonly options: { filter?: LogFilter; pollMs?: number; fromStart?: boolean } = {},
  ) {}

  async start(): Promise<void> {
    // Existing content: from the start when asked (tests, "show history"), else only what comes next.
    this.scan(!this.options.fromStart);
    this.timer = setInterval(() => this.poll(), this.options.pollMs ?? 250);
  }

  stop(): void {
    clearInterval(this.timer);
    for (const file of this.files.values()) closeSync(file.fd);
    this.files.clear();
  }

  /** One round: new files, new bytes, rotations. Public so tests and benchmarks can drive it. */
  poll(): void {
    this.scan(false);
  }

  private scan(skipExisting: boolean): void {
    const names = existsSync(this.dir) ? readdirSync(this.dir).filter((n) => n.endsWith('.log')) : [];
    for (const name of names) {
      const path = join(this.dir, name);
      const followed = this.files.get(path);
      if (!followed) this.open(path, skipExisting);
      else this.follow(followed);
    }
  }

  private open(path: string, skipExisting: boolean): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return; // rotated away between readdir and open: next poll
    }
    const stat = fstatSync(fd);
    const file: FollowedFile = {
      path,
      fd,
      ino: stat.ino,
      offset: skipExisting ? stat.size : 0,
      partial: Buffer.alloc(0),
    };
    this.files.set(path, file);
    this.readNew(file);
  }

  private follow(file: FollowedFile): void {
    this.readNew(file);
    let current: { ino: number; size: number } | undefined;
    try {
      current = statSync(file.path);
    } catch {
      current = undefined; // renamed, the new file not yet created
    }
    if (current && current.ino !== file.ino) {
      // Rotated: the old descriptor was drained above; a partial line there is complete now.
      this.flushPartial(file);
      closeSync(file.fd);
      this.files.delete(file.path);
      this.readSkippedBackups(file);
      this.open(file.path, false);
    } else if (current && current.size < file.offset) {
      file.offset = 0; // truncated in place
      file.partial = Buffer.alloc(0);
      this.readNew(file);
    }
  }

  /**
   * Several rotations between two polls (a busy machine, small files): the files we never saw are
   * now the backups newer than our old one (`x.log.1` is the newest). Read them, oldest first.
   */
  private readSkippedBackups(old: FollowedFile): void {
    const backups: { path: string; ino: number }[] = [];
    for (let n = 1; n <= MAX_BACKUPS; n += 1) {
      try {
        const ino = statSync(`${old.path}.${n}`).ino;
        if (ino === old.ino) break; // everything older than this we have read
        backups.push({ path: `${old.path}.${n}`, ino });
      } catch {
        break;
      }
    }
    for (const backup of backups.reverse()) {
      let fd: number;
      try {
        fd = openSync(backup.path, 'r');
      } catch {
        continue;
      }
      const skipped: FollowedFile = { path: old.path, fd, ino: backup.ino, offset: 0, partial: Buffer.alloc(0) };
      this.readNew(skipped);
      this.flushPartial(skipped);
      closeSync(fd);
    }
  }

  private readNew(file: FollowedFile): void {
    const size = fstatSync(file.fd).size;
    const records: LogRecord[] = [];
    while (file.offset < size) {
      const buffer = Buffer.alloc(Math.min(CHUNK, size - file.offset));
      const read = readSync(file.fd, buffer, 0, buffer.length, file.offset);
      if (read <= 0) break;
      const lineStart = file.offset - file.partial.length;
      file.offset += read;
      this.splitLines(file, Buffer.concat([file.partial, buffer.subarray(0, read)]), lineStart, records);
    }
    this.emit(records);
  }

  private splitLines(file: FollowedFile, data: Buffer, dataStart: number, records: LogRecord[]): void {
    let start = 0;
    for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, start)) {
      const line = data.subarray(start, newline).toString('utf8').trimEnd();
      if (line) records.push(parseEcsLine(line, `${file.path}#${file.ino}:${dataStart + start}`, stepOf(file.path)));
      start = newline + 1;
    }
    file.partial = Buffer.from(data.subarray(start));
  }

  private flushPartial(file: FollowedFile): void {
    const line = file.partial.toString('utf8').trim();
    file.partial = Buffer.alloc(0);
    if (line) this.emit([parseEcsLine(line, `${file.path}#${file.ino}:end`, stepOf(file.path))]);
  }

  private emit(records: LogRecord[]): void {
    const kept = records.filter((r) => matchesFilter(r, this.options.filter));
    if (kept.length) this.sink(kept);
  }
}

const stepOf = (path: string) => basename(path, '.log');

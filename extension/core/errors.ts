/** An error a user can act on: what happened, and what to do about it. */
export class EtlError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'EtlError';
  }

  /** One or two lines for a terminal or a notification. */
  describe(): string {
    return this.hint ? `${this.message}\n  → ${this.hint}` : this.message;
  }
}

/** Bad arguments or settings given by the user: the CLI exits with 2 (README: exit codes). */
export class UsageError extends EtlError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'UsageError';
  }
}

/**
 * The project's code failed at a file and line (a path of this machine): the Problems panel shows it there, the
 * terminal as `FILE:LINE: message` (what the `$etlSpark` problem matcher reads).
 */
export class CodeError extends EtlError {
  constructor(
    readonly problem: string,
    readonly file: string,
    readonly line: number,
    hint = 'fix the code there, then run again',
  ) {
    super(`${file}:${line}: ${problem}`, hint);
    this.name = 'CodeError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof EtlError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

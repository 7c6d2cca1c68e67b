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

export function describeError(error: unknown): string {
  if (error instanceof EtlError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

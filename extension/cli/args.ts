import { CommanderError } from 'commander';

export const commaList = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** A usage error: the CLI prints it and exits with 2. */
export function usageError(message: string): CommanderError {
  return new CommanderError(2, 'etl.usage', message);
}

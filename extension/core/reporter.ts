/** How long-running core work tells the user what it is doing (CLI: stderr; VS Code: progress). */
export interface Reporter {
  step(message: string): void;
  detail(message: string): void;
}

export const silentReporter: Reporter = { step: () => {}, detail: () => {} };

export function consoleReporter(stream: NodeJS.WritableStream = process.stderr): Reporter {
  return {
    step: (message) => stream.write(`• ${message}\n`),
    detail: (message) => stream.write(`  ${message}\n`),
  };
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from './cli';

/**
 * Fault-matrix cells that live in a TypeScript suite (the log shipper natively and in compose, a compose
 * container): each `cellTest` is a node:test test whose outcome and time go to test-artifacts/fault-cells/<suite>.json
 * when the file ends. tests/python/faults/matrix_table.py merges every suite's file into the one table of
 * docs/reliability.md, beside the Python cells.
 */
export interface Cell {
  component: string;
  /** Some scenarios apply more than one fault in one run (SIGKILLs, then a stop): each is a column it fills. */
  faults: string[];
  phase: string;
}

interface CellResult extends Cell {
  outcome: 'passed' | 'failed';
  seconds: number;
  test: string;
}

export const CELLS_DIR = join(ROOT, 'test-artifacts', 'fault-cells');

/** The cell test maker of one suite (a file name under test-artifacts/fault-cells/, without .json). */
export function faultCells(suite: string, source: string) {
  const results: CellResult[] = [];
  after(() => {
    if (results.length === 0) return;
    mkdirSync(CELLS_DIR, { recursive: true });
    const record = { suite: source, finished: new Date().toISOString(), cells: results };
    writeFileSync(join(CELLS_DIR, `${suite}.json`), `${JSON.stringify(record, null, 1)}\n`);
  });
  return (cell: Cell, name: string, body: () => Promise<void>) =>
    test(name, async () => {
      const started = performance.now();
      const record = (outcome: CellResult['outcome']) =>
        results.push({ ...cell, outcome, seconds: Math.round((performance.now() - started) / 100) / 10, test: name });
      try {
        await body();
      } catch (error) {
        record('failed');
        throw error;
      }
      record('passed');
    });
}

// bench/results.json: the figures of the last run of each bench, for the record.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchFigure } from './bench.js';

export const RESULTS_FILE = new URL('./results.json', import.meta.url);

/**
 * `bench/results.json` is `{ "<bench>": { "<figure>": value } }`: each run replaces the entries of
 * the benches it ran and keeps the others, so benches run separately add up to one file.
 */
export function mergeResults(previous: Record<string, Record<string, number>>, results: { bench: string; figures: BenchFigure[] }[]) {
  const merged = { ...previous };
  for (const { bench, figures } of results) merged[bench] = Object.fromEntries(figures.map((f) => [`${f.figure} (${f.unit})`, Number(f.value.toPrecision(4))]));
  return merged;
}

export function recordResults(results: { bench: string; figures: BenchFigure[] }[]): void {
  const previous = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, Record<string, number>>) : {};
  writeFileSync(RESULTS_FILE, `${JSON.stringify(mergeResults(previous, results), null, 2)}\n`);
}


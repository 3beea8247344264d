/**
 * The refit's sample, drawn per segment and merged: a bottom-k sample by a hash of the customer
 * id. Every buyer gets a key, uniform in [0, 1) and fixed by their id; the sample is the k buyers
 * with the smallest keys. Each segment keeps its own k smallest (no more can reach the overall k
 * smallest), and the k smallest of the union of those is the k smallest overall: a uniform sample
 * of size k of the whole base, the same however the base is cut into segments, and the same on
 * every run over the same data.
 *
 * So that a segment need not keep k candidates when the base is much larger than k, the run fixes
 * a threshold from the last refit's buyer count (`keepBelowFor`): only keys below it are
 * candidates. With the margin it leaves, the k smallest keys lie below it unless the base shrank
 * by more than about a sixth since; then the sample is the (still uniform) buyers below it, fewer
 * than k, and the report's `sampled` says so. A base that grew only makes segments keep more
 * candidates (at most k each).
 */
import { createHash } from 'node:crypto';
import type { OrderSummary } from '../orders/decide.js';
import { baseSizeOf, type StoreModel } from './model.js';

export interface SampleRow {
  id: string;
  key: number;
  s: OrderSummary;
}

/** 52 bits of SHA-256 of the id: uniform in [0, 1), exactly representable. */
export const sampleKey = (customerId: string): number => parseInt(createHash('sha256').update(customerId).digest('hex').slice(0, 13), 16) / 2 ** 52;

const byKey = (a: SampleRow, b: SampleRow) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The k rows with the smallest keys among those offered (below `below`), in key order. */
export class BottomK {
  private rows: SampleRow[] = [];
  private seen = new Set<string>();

  constructor(
    readonly k: number,
    readonly below = 1,
    initial: readonly SampleRow[] = [],
  ) {
    for (const r of initial) this.offer(r);
  }

  offer(row: SampleRow): void {
    // A customer seen twice (a re-read page) counts once.
    if (row.key >= this.below || this.seen.has(row.id)) return;
    this.seen.add(row.id);
    this.rows.push(row);
    // Trimmed in batches: sorting 2k rows once per k offers is O(log k) per row.
    if (this.rows.length >= 2 * this.k) this.trim();
  }

  sample(): SampleRow[] {
    this.trim();
    return this.rows;
  }

  private trim(): void {
    this.rows.sort(byKey);
    for (const r of this.rows.splice(this.k)) this.seen.delete(r.id);
  }
}

/** The bottom-k of the union of per-segment bottom-k samples. */
export function mergeSamples(parts: Iterable<readonly SampleRow[]>, k: number): SampleRow[] {
  const all = new BottomK(k);
  for (const part of parts) for (const r of part) all.offer(r);
  return all.sample();
}

/** Candidates below this expect 1.2 k + 4√k buyers at the last count: at least k unless the base shrank by about a sixth. */
export function keepBelowFor(sampleLimit: number, lastBuyers: number): number {
  if (lastBuyers <= 0) return 1;
  return Math.min(1, (1.2 * sampleLimit + 4 * Math.sqrt(sampleLimit)) / lastBuyers);
}

/** The run's threshold, from the last refit's counts (buyers; customers for statistics stored before). */
export const refitKeepBelow = (m: StoreModel, sampleLimit: number): number => keepBelowFor(sampleLimit, m.stats?.buyers ?? baseSizeOf(m));

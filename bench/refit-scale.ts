// Scale model of the weekly refit at 1M and 10M customers, before (one function holding every
// summary) and now (a bulk run: refit-sample per 25,000-customer segment, 40 at once, then
// refit-fit on the merged sample of REFIT_SAMPLE_LIMIT = 200,000 buyers). Driven by the real code:
// sampleSegment over an in-memory scan (latency below) and partials store, the real merge, and
// planRefit on a simulated sample, timed on this machine and scaled.
//
// Latency model (in-region): Scan page of 1,000 customer items (≈ 450 KB) 50 ms; BatchGetItem of
// 100 customer items' purchase days 15 ms, 8 in flight (readPurchaseDays); S3 GET/PUT 30 ms + 1 s
// per 100 MB.
// Memory: heap growth measured while the code holds its data (sample rows, summaries), plus
// ~150 MB for the runtime and SDK.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CustomerView } from '../shared/customers/view.js';
import type { OrderSummary } from '../shared/orders/decide.js';
import { sampleSegment } from '../shared/churn/refit.js';
import type { RefitPartial, RefitPartials } from '../shared/churn/partials.js';
import { keepBelowFor, mergeSamples, sampleKey, type SampleRow } from '../shared/churn/sample.js';
import { planRefit } from '../shared/scoring/index.js';
import { makeRng } from '../shared/scoring/simulate.js';
import { simulateShop } from '../shared/scoring/simulate-shop.js';
import { segmentCount, bulkRunInput } from '../shared/platform/bulk.js';
import { DEFAULT_BULK_LIMITS } from '../infra/bulk-definition.js';
import type { Bench, BenchFigure } from './bench.js';

const K = 200_000;
const SEGMENT = 25_000;
const SAMPLE = 5_000;
const LAMBDA_BASE_MB = 150;
const SCAN_PAGE = { items: 1000, ms: 50 };
/** Per sampled customer: BatchGetItem of 100, 15 ms, 8 in flight. */
const DAY_READ_MS = 15 / 100 / 8;
const s3Ms = (bytes: number) => 30 + (bytes / 100e6) * 1000;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const NOW = new Date('2026-11-22T02:00:00Z');

const summaryOf = (i: number): OrderSummary => ({ orders: 1 + (i % 4), purchaseDays: 1 + (i % 4), firstDay: '2025-03-01', lastDay: `2026-${String(1 + (i % 10)).padStart(2, '0')}-11`, spend: 20 + (i % 300), firstDaySpend: 20 });
const customer = (i: number) => ({ customerId: `c${i}`, summary: summaryOf(i) }) as unknown as CustomerView;

// Heap figures need a collection before each reading, without asking for node --expose-gc.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

/** One sample segment through the real sampleSegment; its time scaled to a 25k segment, and its partial's size. */
async function segmentRun(keepBelow: number) {
  const all = Array.from({ length: SAMPLE }, (_, i) => customer(i));
  let pages = 0;
  const scan = {
    async scanCustomers(p: { cursor?: Record<string, string>; limit: number }) {
      const from = Number(p.cursor?.at ?? 0);
      pages++;
      await sleep((SCAN_PAGE.ms * p.limit) / SCAN_PAGE.items);
      const next = from + p.limit;
      return { customers: all.slice(from, next), ...(next < all.length ? { cursor: { at: String(next) } } : {}) };
    },
  };
  let bytes = 0;
  const partials: RefitPartials = { get: async () => undefined, put: async (_k: string, p: RefitPartial) => void (bytes = JSON.stringify(p).length) };
  const [task] = bulkRunInput('model-refit', NOW.toISOString(), 1, { keepBelow }).segments;
  const t0 = performance.now();
  const out = await sampleSegment({ customers: scan, partials }, task!, { pageSize: SCAN_PAGE.items, shouldYield: () => false, sampleLimit: K });
  const seconds = (performance.now() - t0) / 1000;
  const f = SEGMENT / SAMPLE;
  return { seconds: seconds * f, partialBytes: bytes * f, candidates: out.candidates * f, pages };
}

/** The fit's CPU: planRefit on a 20,000-buyer simulated sample, scaled linearly to 200,000 (each likelihood is a sum over customers). */
function fitSeconds(): number {
  const histories = simulateShop({ model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } }, { customers: 20_000, acquisitionDays: 250, endDay: 400 }, makeRng(3)).filter((d) => d.length);
  const t0 = performance.now();
  planRefit(histories, 400, { horizonDays: 90, bound: 0.2 });
  return ((performance.now() - t0) / 1000) * (K / histories.length);
}

/** Heap held by n sample rows (the fit's merged sample) or n summaries (the old function's whole base). */
function heldMb(n: number, make: (i: number) => unknown): number {
  const before = heapMb();
  const held = Array.from({ length: n }, (_, i) => make(i));
  const mb = heapMb() - before;
  return held.length ? mb : 0;
}

export const refitScaleBench: Bench = {
  name: 'refit-scale',
  async run(): Promise<BenchFigure[]> {
    const figures: BenchFigure[] = [];
    const fit = fitSeconds();
    const rowMb = heldMb(100_000, (i): SampleRow => ({ id: `customer-${i}`, key: sampleKey(`customer-${i}`), s: summaryOf(i) })) / 100_000;
    const summaryMb = heldMb(100_000, (i) => ({ id: `customer-${i}`, s: summaryOf(i) })) / 100_000;
    // The merge itself, on a merged sample's worth of rows.
    const rows = Array.from({ length: 2 * K }, (_, i): SampleRow => ({ id: `m${i}`, key: sampleKey(`m${i}`), s: summaryOf(i) }));
    const t0 = performance.now();
    mergeSamples([rows.slice(0, K), rows.slice(K)], K);
    const mergeSeconds = (performance.now() - t0) / 1000;
    const days = K * DAY_READ_MS / 1000;
    for (const n of [1_000_000, 10_000_000]) {
      const label = n === 1_000_000 ? '1M' : '10M';
      const segments = segmentCount(n, 4);
      const seg = await segmentRun(keepBelowFor(K, n));
      const waves = Math.ceil(segments / DEFAULT_BULK_LIMITS.maxConcurrency);
      const totalPartial = seg.partialBytes * segments;
      const fitWall = segments * s3Ms(seg.partialBytes) / 16 / 1000 + mergeSeconds * (seg.candidates * segments) / (2 * K) + days + fit;
      // Before: 4 scan segments in turn, every summary held, the same days and fit.
      const beforeWall = (n / SCAN_PAGE.items) * SCAN_PAGE.ms / 1000 + days + fit;
      figures.push({ figure: `${label}: refit before (one function): wall time`, value: beforeWall / 60, unit: 'min' });
      figures.push({ figure: `${label}: refit before (one function): memory`, value: LAMBDA_BASE_MB + n * summaryMb + K * rowMb, unit: 'MB' });
      figures.push({ figure: `${label}: refit now: wall time (segments + fit)`, value: (waves * (seg.seconds + 1) + fitWall) / 60, unit: 'min', ...(n === 10_000_000 ? { target: 15 } : {}) });
      figures.push({ figure: `${label}: refit now: one segment's memory (its candidates)`, value: LAMBDA_BASE_MB + seg.candidates * rowMb, unit: 'MB' });
      figures.push({ figure: `${label}: refit now: the fit's memory (partials loaded + merged sample)`, value: LAMBDA_BASE_MB + (K + seg.candidates * segments) * rowMb, unit: 'MB', ...(n === 10_000_000 ? { target: 3008 } : {}) });
      figures.push({ figure: `${label}: refit now: the fit's wall time (merge, purchase days, plan)`, value: fitWall / 60, unit: 'min', target: 15 });
      figures.push({ figure: `${label}: refit now: partial samples in S3`, value: totalPartial / 1e6, unit: 'MB' });
    }
    figures.push({ figure: 'refit plan CPU for 200,000 buyers (scaled from 20,000)', value: fit, unit: 's' });
    return figures;
  },
};

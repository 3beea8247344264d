/**
 * `engage import`: a shop's history into the table in bulk.
 *
 * Read every input line (validated against the event contracts) → group by customer → per batch
 * of customers: fold each history in memory (./fold.ts), look up who already exists and which
 * addresses are suppressed, write the items (./dynamodb.ts) → advance the checkpoint.
 *
 * - One bad row rejects its whole customer: a silently dropped order or refund would skew their
 *   summary, tier and points, and since an imported customer is never overwritten, the fixed row
 *   could not be added later. The report names the bad row and every row held back with it.
 * - Idempotent: a completed input (by hash) is recognised and nothing is done; without the
 *   checkpoint, a customer already imported from the same history is left as it is, and a
 *   customer Engage already knows otherwise is rejected, never overwritten (its live state —
 *   suppression above all — wins).
 * - Resumable: the checkpoint item (IMPORT#<input hash>) holds how many customers, in input
 *   order, are completely written, and the clock the run judges history at; a re-run of the same
 *   input continues from there with that clock and so decides exactly the same.
 * - Erasure wins: a customer id with an erasure tombstone is never written (counted as erased),
 *   and an address on the hashed suppression list is stored suppressed, as live upserts do.
 * - No events are published: the import sends no mail, grants no birthday, redeems no coupon.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../platform/ports.js';
import type { LoyaltyConfig } from '../loyalty/index.js';
import { emailHash } from '../privacy/suppression.js';
import { foldCustomer, type FoldContext, type FoldedCustomer } from './fold.js';
import type { ImportStore } from './port.js';
import { detectFormat, rowParser, type RowDefaults, type ShopEvent } from './rows.js';

export interface ImportSource {
  name: string;
  lines: AsyncIterable<string> | Iterable<string>;
}

export interface ImportOptions {
  loyalty: LoyaltyConfig;
  /** Orders placed longer ago than this keep no per-order state (see README). */
  refundWindowDays: number;
  defaults: RowDefaults;
  /** Customers per lookup-and-write batch, and batches in flight. */
  batchCustomers?: number;
  parallelBatches?: number;
}

export interface ImportProgress {
  read?(rows: number): void;
  start?(customers: number, done: number): void;
  written?(done: number): void;
}

export interface Rejection {
  file: string;
  row: number;
  customerId?: string;
  reason: string;
}

export interface ImportReport {
  inputHash: string;
  /** The clock history was judged at. */
  now: string;
  /** The input had been imported completely before: nothing was done. */
  alreadyDone: boolean;
  resumedFrom: number;
  rows: number;
  orders: number;
  customers: { total: number; imported: number; unchanged: number; rejected: number; /** Erased in Engage: never recreated, not a rejection. */ erased: number };
  itemsWritten: number;
  rejections: Rejection[];
}

interface Pending {
  /** The customer's validated events, each kept as its JSON until its batch folds them: a parsed
   * event object takes ~4× the heap, which at a million orders decided whether the import fits. */
  events: string[];
  /** fileIndex * 2^32 + row of every line of this customer (for the report, if rejected). */
  refs: number[];
  bad?: Rejection;
}

const ROW_BITS = 2 ** 32;

export async function importHistory(deps: { store: ImportStore; clock: Clock }, sources: ImportSource[], opts: ImportOptions, progress: ImportProgress = {}): Promise<ImportReport> {
  const hash = createHash('sha256');
  const byCustomer = new Map<string, Pending>();
  const rejections: Rejection[] = [];
  let rows = 0;
  for (const [fileIndex, source] of sources.entries()) {
    hash.update(`${source.name.split('/').pop()}\n`);
    let parse: ReturnType<typeof rowParser> | undefined;
    let lineNo = 0;
    for await (const line of source.lines) {
      lineNo++;
      hash.update(line).update('\n');
      if (!parse) {
        const format = detectFormat(source.name, line);
        parse = rowParser(format, line, opts.defaults);
        if (format !== 'events') continue;
      }
      if (line.trim() === '') continue;
      rows++;
      const r = parse(line, lineNo);
      if (!r.customerId) {
        rejections.push({ file: source.name, row: lineNo, reason: r.error ?? 'no customer id' });
        continue;
      }
      let p = byCustomer.get(r.customerId);
      if (!p) byCustomer.set(r.customerId, (p = { events: [], refs: [] }));
      p.refs.push(fileIndex * ROW_BITS + lineNo);
      if (r.error) p.bad ??= { file: source.name, row: lineNo, customerId: r.customerId, reason: r.error };
      else if (!p.bad) for (const e of r.events) p.events.push(JSON.stringify(e));
      if (rows % 10_000 === 0) progress.read?.(rows);
    }
  }
  progress.read?.(rows);
  const inputHash = hash.digest('hex');
  const report: ImportReport = {
    inputHash, now: '', alreadyDone: false, resumedFrom: 0, rows, orders: 0,
    customers: { total: byCustomer.size, imported: 0, unchanged: 0, rejected: 0, erased: 0 }, itemsWritten: 0, rejections,
  };
  const held = (id: string, p: Pending, reason: string, except?: Rejection) => {
    report.customers.rejected++;
    if (except) rejections.push(except);
    for (const ref of p.refs) {
      const [file, row] = [sources[Math.floor(ref / ROW_BITS)]!.name, ref % ROW_BITS];
      if (!except || file !== except.file || row !== except.row) rejections.push({ file, row, customerId: id, reason });
    }
  };

  const previous = await deps.store.getCheckpoint(inputHash);
  const now = previous ? new Date(previous.now) : deps.clock();
  report.now = now.toISOString();
  if (previous?.status === 'done') return { ...report, alreadyDone: true, rejections: [] };
  const ctx: FoldContext = { now, loyalty: opts.loyalty, refundWindowDays: previous?.refundWindowDays ?? opts.refundWindowDays };
  const ids = [...byCustomer.keys()];
  const start = previous?.position ?? 0;
  report.resumedFrom = start;
  progress.start?.(ids.length, start);

  const size = opts.batchCustomers ?? 200;
  const batches = Math.ceil((ids.length - start) / size);
  const done = new Set<number>();
  let watermark = 0;
  let lastSaved = Date.now();
  const checkpoint = (position: number, status: 'running' | 'done') =>
    deps.store.putCheckpoint(inputHash, { position, customers: ids.length, now: report.now, refundWindowDays: ctx.refundWindowDays, status, updatedAt: deps.clock().toISOString() });

  const runBatch = async (b: number) => {
    const batch = ids.slice(start + b * size, start + (b + 1) * size);
    const folded: FoldedCustomer[] = [];
    for (const id of batch) {
      const p = byCustomer.get(id)!;
      if (p.bad) held(id, p, `customer rejected: ${p.bad.file} row ${p.bad.row} is bad`, p.bad);
      else folded.push(foldCustomer(id, p.events.map((e) => JSON.parse(e) as ShopEvent), ctx));
    }
    const emails = [...new Set(folded.flatMap((f) => f.profileEmails.map(emailHash)))];
    const { existing, suppressed } = await deps.store.lookup(folded.map((f) => f.customerId), emails);
    const toWrite: Array<{ folded: FoldedCustomer; suppression?: { reason: string; at: string } }> = [];
    for (const f of folded) {
      const e = existing.get(f.customerId)!;
      if (e.kind === 'erased') report.customers.erased++;
      else if (e.kind === 'imported' && e.digest === f.digest) report.customers.unchanged++;
      else if (e.kind !== 'absent') {
        const why = e.kind === 'live' ? 'customer already in Engage (live events): not overwritten' : 'customer already imported from a different history: not overwritten';
        held(f.customerId, byCustomer.get(f.customerId)!, why);
      } else {
        const listed = f.profileEmails.map((m) => suppressed.get(emailHash(m))).find(Boolean);
        toWrite.push({ folded: f, ...(listed ? { suppression: listed } : {}) });
      }
    }
    // Read after the await: `total += await …` would add to a total other batches have moved on from.
    const { written, erased } = await deps.store.write(toWrite, ctx, inputHash.slice(0, 16));
    report.itemsWritten += written;
    report.customers.imported += toWrite.length - erased;
    report.customers.erased += erased;
    report.orders += toWrite.reduce((n, w) => n + w.folded.orders.size, 0);
    // The batch's events are no longer needed: let the memory go as the import proceeds.
    for (const id of batch) byCustomer.get(id)!.events = [];
    done.add(b);
    while (done.has(watermark)) watermark++;
    progress.written?.(Math.min(ids.length, start + watermark * size));
    if (Date.now() - lastSaved > 2000) {
      lastSaved = Date.now();
      await checkpoint(Math.min(ids.length, start + watermark * size), 'running');
    }
  };

  // Pins the clock at once: a run that crashes before its first progress resumes judging the same.
  if (!previous) await checkpoint(start, 'running');
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(opts.parallelBatches ?? 8, batches)) }, async () => {
      while (next < batches) await runBatch(next++);
    }),
  );
  await checkpoint(ids.length, 'done');
  return report;
}

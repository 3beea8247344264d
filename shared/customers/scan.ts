/**
 * Walking the customer summaries (the sparse `customers` index), in the two shapes the jobs need:
 * every customer in one go (refit, dry runs, scheduled campaigns), or one parallel-scan segment
 * page by page that stops with a cursor when its time budget runs low (bulk-run Tasks).
 */
import type { CustomerStore, Cursor } from './port.js';
import type { CustomerView } from './view.js';

type Scanner = Pick<CustomerStore, 'scanCustomers'>;

const SEGMENTS = 4;

export async function forEachCustomerPage(store: Scanner, onPage: (customers: CustomerView[]) => Promise<void> | void, pageSize = 500): Promise<void> {
  for (let segment = 0; segment < SEGMENTS; segment++) {
    let cursor: Cursor | undefined;
    do {
      const page = await store.scanCustomers({ segment, totalSegments: SEGMENTS, limit: pageSize, ...(cursor ? { cursor } : {}) });
      await onPage(page.customers);
      cursor = page.cursor;
    } while (cursor);
  }
}

export interface SegmentRequest {
  segment: number;
  totalSegments: number;
  cursor?: Cursor;
}

/**
 * Pages through one segment from `req.cursor` until it ends or the time budget runs low; returns
 * the cursor to go on from (absent when the segment is done). The caller (a bulk-run Task)
 * hands it back to the state machine, which loops.
 */
export async function pageThroughSegment(
  store: Scanner,
  req: SegmentRequest,
  opts: { pageSize: number; shouldYield: () => boolean },
  onPage: (customers: CustomerView[]) => Promise<void>,
): Promise<{ scanned: number; cursor?: Cursor }> {
  let scanned = 0;
  let cursor = req.cursor;
  do {
    const page = await store.scanCustomers({ segment: req.segment, totalSegments: req.totalSegments, limit: opts.pageSize, ...(cursor ? { cursor } : {}) });
    await onPage(page.customers);
    scanned += page.customers.length;
    cursor = page.cursor;
    if (cursor && opts.shouldYield()) return { scanned, cursor };
  } while (cursor);
  return { scanned };
}

/** Runs `work` over `items` with at most `limit` at a time (writes within a page). */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

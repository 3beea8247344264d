/**
 * Walking the customer summaries (the sparse `customers` index), in the two shapes the jobs need:
 * every customer in one go (refit, dry runs, scheduled campaigns), or one parallel-scan segment
 * page by page that hands the rest on as a continuation when its time budget runs low (sweeps).
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

/** Pages through one segment; returns whether the rest was handed on (`handOn` got the cursor). */
export async function pageThroughSegment(
  store: Scanner,
  req: SegmentRequest,
  opts: { pageSize: number; shouldYield: () => boolean },
  onPage: (customers: CustomerView[]) => Promise<void>,
  handOn: (cursor: Cursor) => Promise<void>,
): Promise<{ scanned: number; continued: boolean }> {
  let scanned = 0;
  let cursor = req.cursor;
  do {
    const page = await store.scanCustomers({ segment: req.segment, totalSegments: req.totalSegments, limit: opts.pageSize, ...(cursor ? { cursor } : {}) });
    await onPage(page.customers);
    scanned += page.customers.length;
    cursor = page.cursor;
    if (cursor && opts.shouldYield()) {
      await handOn(cursor);
      return { scanned, continued: true };
    }
  } while (cursor);
  return { scanned, continued: false };
}

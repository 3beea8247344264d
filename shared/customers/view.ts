/**
 * The customer read model: everything Engage knows about one customer, as dispatch, dry runs,
 * scheduled runs, previews and `engage customer show` all see it — profile, order summary,
 * scores, risk, tier and points. Built from the customer item and (when read directly) the
 * loyalty item; scans of the customers index carry the tier copied onto the customer item.
 */
import type { CustomerRecord } from './record.js';

export interface CustomerView extends CustomerRecord {
  /** Points on balance; known when the loyalty item was read (direct reads, not scans). */
  points?: number;
  tierSince?: string;
}

/** The loyalty item's part of the view (the state as shared/loyalty stores it). */
export interface LoyaltyPart {
  tier: string;
  tierSince: string;
  balance: number;
}

export function customerView(record: CustomerRecord, loyalty?: LoyaltyPart | null): CustomerView {
  if (!loyalty) return record;
  // The loyalty item is the source of truth; the copy on the customer item only serves scans.
  return { ...record, tier: loyalty.tier, tierSince: loyalty.tierSince, points: loyalty.balance };
}

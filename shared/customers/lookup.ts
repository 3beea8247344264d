/**
 * One customer as an operator looks them up (`engage customer show`, the console): the customer
 * read model plus the statement behind it — point lots, ledger, every message with its outcome,
 * coupons (terms and the code's last two characters, never the code) and survey answers. A few
 * Queries of the customer's own partition; never a scan.
 */
import type { SendRecord } from '../campaigns/port.js';
import type { CouponState } from '../coupons/redeem.js';
import type { LedgerEntry, LoyaltyState } from '../loyalty/index.js';
import type { SurveyState } from '../surveys/response.js';
import type { CustomerStore } from './port.js';
import type { CustomerView } from './view.js';

export interface CustomerLookup {
  customer: CustomerView | null;
  loyalty: LoyaltyState | null;
  ledger: LedgerEntry[];
  sends: SendRecord[];
  coupons: CouponState[];
  surveys: SurveyState[];
}

export interface LookupDeps {
  customers: Pick<CustomerStore, 'readCustomer'>;
  loyalty: { load(customerId: string): Promise<{ loyalty?: { value: { state: LoyaltyState } } | null }>; listLedger(customerId: string): Promise<LedgerEntry[]> };
  sends: { listSends(customerId: string): Promise<SendRecord[]> };
  coupons: { listCustomerCoupons(customerId: string): Promise<CouponState[]> };
  surveys: { listSurveys(customerId: string): Promise<SurveyState[]> };
}

export async function lookupCustomer(deps: LookupDeps, customerId: string): Promise<CustomerLookup> {
  const [customer, state, ledger, sends, coupons, surveys] = await Promise.all([
    deps.customers.readCustomer(customerId),
    deps.loyalty.load(customerId),
    deps.loyalty.listLedger(customerId),
    deps.sends.listSends(customerId),
    deps.coupons.listCustomerCoupons(customerId),
    deps.surveys.listSurveys(customerId),
  ]);
  return { customer, loyalty: state.loyalty?.value.state ?? null, ledger, sends: [...sends].sort((a, b) => b.at.localeCompare(a.at)), coupons, surveys };
}

export const couponHintOf = (c: Pick<CouponState, 'codeHint'>): string => `••••-••••-••••-${c.codeHint ?? '••'}`;

/** "2026-11-20 16:15": an instant as the customer lived it, in their time zone. */
export function localTime(iso: string | undefined, timeZone: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

/**
 * Import input, one line at a time, into Engage's own shop events (the contracts a shop publishes
 * to the bus), each validated by the same zod schema the handlers parse with. Four formats:
 *
 *  - `events` (JSON Lines): one event per line, `{"detailType": "order.placed", "detail": {…}}`
 *    (also `detail-type`, or a PutEvents entry `{"DetailType", "Detail": "<json>"}`);
 *  - `customers` CSV: customer_id, email[, name, locale, time_zone, birthday, marketing_consent,
 *    tags, updated_at];
 *  - `orders` CSV: order_id, customer_id, placed_at, total, currency[, coupon_code, fulfilled_at,
 *    cancelled_at, refunded_amount, refunded_at] — one row per order, one refund at most;
 *  - `transactions` CSV (the log `engage model summarize` reads): customer_id, date, amount.
 * A row that cannot be read names its problem; the caller decides what that means for its customer.
 */
import { splitCsvLine, parseDay, formatDay } from '../scoring/csv.js';
import { contracts, DetailType, type CustomerUpserted, type Locale, type OrderEvent } from '../platform/contracts/events.js';

export type ImportFormat = 'events' | 'customers' | 'orders' | 'transactions';

export type ShopEvent = OrderEvent | { type: typeof DetailType.CustomerUpserted; detail: CustomerUpserted };

export const IMPORTABLE: ReadonlySet<string> = new Set([
  DetailType.CustomerUpserted,
  DetailType.OrderPlaced,
  DetailType.OrderFulfilled,
  DetailType.OrderCancelled,
  DetailType.OrderRefunded,
]);

export interface SourceRow {
  /** 1-based line number in its file (CSV headers are row 1). */
  row: number;
  /** Known whenever the line names one, even when the rest of it is bad. */
  customerId?: string;
  events: ShopEvent[];
  error?: string;
}

export interface RowDefaults {
  /** ISO 4217: for transaction logs, which carry no currency. */
  currency: string;
  locale: Locale;
  timeZone: string;
}

/** A profile without updated_at counts as older than any update the shop sends later. */
export const UNDATED_PROFILE = '1970-01-01T00:00:00.000Z';

export function detectFormat(fileName: string, firstLine: string): ImportFormat {
  if (/\.(jsonl|ndjson|json)$/i.test(fileName) || firstLine.trimStart().startsWith('{')) return 'events';
  const header = splitCsvLine(firstLine.replace(/^\uFEFF/, '')).map((h) => h.toLowerCase());
  if (header.includes('order_id')) return 'orders';
  if (header.includes('email')) return 'customers';
  if (header.includes('date') && header.includes('amount')) return 'transactions';
  throw new Error(`${fileName}: cannot tell the format from the header (${firstLine.slice(0, 80)}); see README "Connect your shop"`);
}

type LineParser = (line: string, row: number) => SourceRow;

/** A parser for one file's lines after its header (for `events`, every line). */
export function rowParser(format: ImportFormat, headerLine: string, defaults: RowDefaults): LineParser {
  if (format === 'events') return parseEventLine;
  const header = splitCsvLine(headerLine.replace(/^\uFEFF/, '')).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const need = (names: string[]) => {
    const missing = names.filter((n) => col(n) < 0);
    if (missing.length) throw new Error(`row 1: missing column ${missing.join(', ')}`);
  };
  const cells = (line: string) => {
    const f = splitCsvLine(line);
    return (name: string): string | undefined => {
      const v = f[col(name)];
      return v === undefined || v === '' ? undefined : v;
    };
  };
  if (format === 'customers') {
    need(['customer_id', 'email']);
    return (line, row) => {
      const get = cells(line);
      const email = get('email');
      const detail = {
        customerId: get('customer_id'),
        email,
        name: get('name') ?? email?.split('@')[0],
        locale: localeOf(get('locale')) ?? defaults.locale,
        timeZone: get('time_zone') ?? defaults.timeZone,
        // ISO 8601's year-less `--MM-DD` (what vCard and many shop exports write) is the contract's `MM-DD`.
        ...(get('birthday') ? { birthday: get('birthday')!.replace(/^--(\d{2}-\d{2})$/, '$1') } : {}),
        marketingConsent: yes(get('marketing_consent')),
        ...(get('tags') ? { tags: get('tags')!.split(/[|;]/).map((t) => t.trim()).filter(Boolean) } : {}),
        occurredAt: instant(get('updated_at')) ?? UNDATED_PROFILE,
      };
      return checked(row, detail.customerId, [{ type: DetailType.CustomerUpserted, detail }]);
    };
  }
  if (format === 'orders') {
    need(['order_id', 'customer_id', 'placed_at', 'total', 'currency']);
    return (line, row) => {
      const get = cells(line);
      const ids = { orderId: get('order_id'), customerId: get('customer_id') };
      const total = money(get('total'));
      if (Number.isNaN(total)) return notMoney(row, ids.customerId, 'total', get('total'));
      const placedAt = instant(get('placed_at'));
      const events: Array<{ type: string; detail: Record<string, unknown> }> = [
        {
          type: DetailType.OrderPlaced,
          detail: { ...ids, lines: [{ sku: 'imported', quantity: 1, unitPrice: total }], total, currency: get('currency'), ...(get('coupon_code') ? { couponCode: get('coupon_code') } : {}), occurredAt: placedAt },
        },
      ];
      if (get('fulfilled_at')) events.push({ type: DetailType.OrderFulfilled, detail: { ...ids, occurredAt: instant(get('fulfilled_at')) } });
      if (get('cancelled_at')) events.push({ type: DetailType.OrderCancelled, detail: { ...ids, occurredAt: instant(get('cancelled_at')) } });
      const refunded = get('refunded_amount');
      if (refunded && money(refunded) !== 0) {
        const at = instant(get('refunded_at')) ?? placedAt;
        events.push({ type: DetailType.OrderRefunded, detail: { ...ids, refundId: 'imported', amount: money(refunded), currency: get('currency'), occurredAt: at } });
      }
      return checked(row, ids.customerId, events);
    };
  }
  need(['customer_id', 'date', 'amount']);
  // A transaction log has no order ids: the nth row of a customer on a date is order tx:<date>:<n>.
  const seen = new Map<string, number>();
  return (line, row) => {
    const get = cells(line);
    const customerId = get('customer_id');
    const day = parseDay(get('date') ?? '');
    if (Number.isNaN(day)) return { row, ...(customerId ? { customerId } : {}), events: [], error: `date ${JSON.stringify(get('date') ?? '')} is not YYYY-MM-DD or YYYYMMDD` };
    const date = formatDay(day);
    const n = (seen.get(`${customerId}|${date}`) ?? 0) + 1;
    seen.set(`${customerId}|${date}`, n);
    const total = money(get('amount'));
    if (Number.isNaN(total)) return notMoney(row, customerId, 'amount', get('amount'));
    const detail = { orderId: `tx:${date}:${n}`, customerId, lines: [{ sku: 'imported', quantity: 1, unitPrice: total }], total, currency: defaults.currency, occurredAt: `${date}T00:00:00.000Z` };
    return checked(row, customerId, [{ type: DetailType.OrderPlaced, detail }]);
  };
}

function parseEventLine(line: string, row: number): SourceRow {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { row, events: [], error: 'not a JSON object' };
  }
  const type = raw.detailType ?? raw['detail-type'] ?? raw.DetailType ?? raw.type;
  let detail = raw.detail ?? raw.Detail;
  if (typeof detail === 'string') {
    try {
      detail = JSON.parse(detail);
    } catch {
      return { row, events: [], error: 'Detail is not JSON' };
    }
  }
  const customerId = (detail as { customerId?: unknown } | undefined)?.customerId;
  return checked(row, typeof customerId === 'string' ? customerId : undefined, [{ type: String(type), detail: detail as Record<string, unknown> }]);
}

/** Every event of the row against its contract; the first problem names the row's fault. */
function checked(row: number, customerId: string | undefined, events: Array<{ type: string; detail: unknown }>): SourceRow {
  const base = { row, ...(customerId ? { customerId } : {}) };
  const out: ShopEvent[] = [];
  for (const e of events) {
    if (!IMPORTABLE.has(e.type)) return { ...base, events: [], error: `${JSON.stringify(e.type)} is not importable (customer.upserted and order events are)` };
    const parsed = contracts[e.type as ShopEvent['type']].schema.safeParse(e.detail);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { ...base, events: [], error: `${e.type}: ${issue.path.join('.') || '(detail)'}: ${issue.message}` };
    }
    out.push({ type: e.type, detail: parsed.data } as ShopEvent);
  }
  if (!customerId) return { row, events: [], error: 'no customer id' };
  return { ...base, events: out };
}

const notMoney = (row: number, customerId: string | undefined, column: string, raw: string | undefined): SourceRow => ({
  row, ...(customerId ? { customerId } : {}), events: [], error: `${column} ${JSON.stringify(raw ?? '')} is not a decimal number (like 1234.50)`,
});
/** Decimal strings only: "1,234.00" or "12.5.0" is refused rather than guessed. */
const money = (s: string | undefined): number => (s !== undefined && /^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : Number.NaN);
const yes = (s: string | undefined): boolean => /^(1|true|yes|y|on|subscribed)$/i.test(s?.trim() ?? '');

/** A bare date is midnight UTC; anything else goes to the contract's Instant as written, which
 * wants an explicit offset (Date.parse would read "2026-11-20 08:15" in this machine's zone). */
function instant(s: string | undefined): string | undefined {
  if (!s) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00.000Z` : s;
}

function localeOf(s: string | undefined): Locale | undefined {
  if (!s) return undefined;
  if (/^zh/i.test(s)) return 'zh-CN';
  if (/^en/i.test(s)) return 'en';
  return undefined;
}

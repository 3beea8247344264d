// Customer-summary CSV parsing/validation and transaction-log summarisation.
// Row numbers in error messages are 1-based file lines (the header is row 1).
import type { SummaryRow } from './columns.js';

export class CsvError extends Error {}

/** Splits one CSV line, honouring double-quoted fields ("" escapes a quote). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((s) => s.trim());
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur.trim()); cur = ''; }
    else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/** Accepted header names per field; lifetimes/CDNOW spellings are accepted as aliases. */
const SUMMARY_COLUMNS = {
  customerId: ['customer_id', 'id', 'customerid'],
  x: ['x', 'frequency'],
  tx: ['t_x', 'recency'],
  T: ['t'],
  zbar: ['zbar', 'monetary_value'],
} as const;

function findColumn(header: string[], names: readonly string[]): number {
  return header.findIndex((h) => names.includes(h));
}

function num(raw: string | undefined, name: string, row: number): number {
  const v = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v)) throw new CsvError(`row ${row}: ${name} is not a number (${JSON.stringify(raw ?? '')})`);
  if (v < 0) throw new CsvError(`row ${row}: ${name} is negative (${v})`);
  return v;
}

/**
 * Parses `customer_id,x,t_x,T[,zbar]` (extra columns ignored, CRLF and blank trailing lines ok).
 * Rejects with the row number: missing column, non-numeric or negative value, non-integer x,
 * t_x > T, x > 0 with t_x = 0, x = 0 with t_x > 0, duplicate customer_id.
 */
export function parseSummaryCsv(text: string): SummaryRow[] {
  const ls = lines(text);
  const header = splitCsvLine(ls[0] ?? '').map((h) => h.toLowerCase());
  const idx = {
    customerId: findColumn(header, SUMMARY_COLUMNS.customerId),
    x: findColumn(header, SUMMARY_COLUMNS.x),
    tx: findColumn(header, SUMMARY_COLUMNS.tx),
    T: findColumn(header, SUMMARY_COLUMNS.T),
  };
  for (const [k, i] of Object.entries(idx)) {
    if (i < 0) throw new CsvError(`row 1: missing column ${k === 'tx' ? 't_x' : k === 'customerId' ? 'customer_id' : k}`);
  }
  const zi = findColumn(header, SUMMARY_COLUMNS.zbar);
  const out: SummaryRow[] = [];
  const seen = new Set<string>();
  for (let li = 1; li < ls.length; li++) {
    const line = ls[li]!;
    if (line.trim() === '') continue;
    const row = li + 1;
    const f = splitCsvLine(line);
    const need = Math.max(idx.customerId, idx.x, idx.tx, idx.T, zi);
    if (f.length <= need) throw new CsvError(`row ${row}: expected ${header.length} columns, got ${f.length}`);
    const customerId = f[idx.customerId]!;
    if (customerId === '') throw new CsvError(`row ${row}: customer_id is empty`);
    if (seen.has(customerId)) throw new CsvError(`row ${row}: duplicate customer_id ${customerId}`);
    seen.add(customerId);
    const x = num(f[idx.x], 'x', row);
    const tx = num(f[idx.tx], 't_x', row);
    const T = num(f[idx.T], 'T', row);
    if (!Number.isInteger(x)) throw new CsvError(`row ${row}: x must be an integer count (${x})`);
    if (tx > T + 1e-9) throw new CsvError(`row ${row}: t_x (${tx}) is greater than T (${T})`);
    if (x > 0 && tx === 0) throw new CsvError(`row ${row}: x = ${x} repeat purchases but t_x = 0`);
    if (x === 0 && tx > 0) throw new CsvError(`row ${row}: x = 0 but t_x = ${tx} (must be 0)`);
    const r: SummaryRow = { customerId, x, tx, T };
    if (zi >= 0) r.zbar = num(f[zi], 'zbar', row);
    out.push(r);
  }
  return out;
}

export interface Transaction {
  customerId: string;
  /** YYYY-MM-DD or YYYYMMDD (calendar day; time of day is not used). */
  date: string;
  amount: number;
}

const MS_PER_DAY = 86_400_000;

/** Day number since 1970-01-01 (UTC) for YYYY-MM-DD or YYYYMMDD; NaN when invalid. */
export function parseDay(s: string): number {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s.trim());
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return t / MS_PER_DAY;
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Parses `customer_id,date,amount` (extra columns ignored) with row-numbered errors. */
export function parseTransactionsCsv(text: string): Transaction[] {
  const ls = lines(text);
  const header = splitCsvLine(ls[0] ?? '').map((h) => h.toLowerCase());
  const ci = findColumn(header, ['customer_id', 'id', 'customerid']);
  const di = findColumn(header, ['date']);
  const ai = findColumn(header, ['amount']);
  if (ci < 0) throw new CsvError('row 1: missing column customer_id');
  if (di < 0) throw new CsvError('row 1: missing column date');
  if (ai < 0) throw new CsvError('row 1: missing column amount');
  const out: Transaction[] = [];
  for (let li = 1; li < ls.length; li++) {
    const line = ls[li]!;
    if (line.trim() === '') continue;
    const row = li + 1;
    const f = splitCsvLine(line);
    if (f.length <= Math.max(ci, di, ai)) throw new CsvError(`row ${row}: expected ${header.length} columns, got ${f.length}`);
    const customerId = f[ci]!;
    if (customerId === '') throw new CsvError(`row ${row}: customer_id is empty`);
    const date = f[di]!;
    if (Number.isNaN(parseDay(date))) throw new CsvError(`row ${row}: date ${JSON.stringify(date)} is not YYYY-MM-DD or YYYYMMDD`);
    out.push({ customerId, date, amount: num(f[ai], 'amount', row) });
  }
  return out;
}

export type TimeUnit = 'weeks' | 'days';

/**
 * Calibration summary per customer from a transaction log (see shared/data/cdnow/README.md):
 * same-day rows merge into one transaction (amounts summed); x = transaction days after the first
 * up to and including calibrationEnd; t_x = (last − first), T = (calibrationEnd − first) in the
 * time unit, unrounded; zbar = mean of the x repeat daily totals (0 when x = 0). Customers whose
 * first purchase is after calibrationEnd are not part of the base and are omitted. Output keeps the
 * order in which customers first appear in the input.
 */
export function summarizeTransactions(rows: readonly Transaction[], calibrationEnd: string, timeUnit: TimeUnit = 'weeks'): SummaryRow[] {
  const end = parseDay(calibrationEnd);
  if (Number.isNaN(end)) throw new CsvError(`calibration end ${JSON.stringify(calibrationEnd)} is not YYYY-MM-DD or YYYYMMDD`);
  const unit = timeUnit === 'weeks' ? 7 : 1;
  const byCustomer = new Map<string, Map<number, number>>();
  rows.forEach((t, i) => {
    const day = parseDay(t.date);
    if (Number.isNaN(day)) throw new CsvError(`transaction ${i + 1}: invalid date ${JSON.stringify(t.date)}`);
    let days = byCustomer.get(t.customerId);
    if (!days) byCustomer.set(t.customerId, (days = new Map()));
    if (day <= end) days.set(day, (days.get(day) ?? 0) + t.amount);
  });
  const out: SummaryRow[] = [];
  for (const [customerId, days] of byCustomer) {
    if (days.size === 0) continue;
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const x = sorted.length - 1;
    let repeatTotal = 0;
    for (let k = 1; k < sorted.length; k++) repeatTotal += days.get(sorted[k]!)!;
    out.push({ customerId, x, tx: (last - first) / unit, T: (end - first) / unit, zbar: x > 0 ? repeatTotal / x : 0 });
  }
  return out;
}

/** Summary CSV with full-precision numbers (round-trips through parseSummaryCsv). */
export function formatSummaryCsv(rows: readonly SummaryRow[]): string {
  const withZ = rows.some((r) => r.zbar !== undefined);
  const head = withZ ? 'customer_id,x,t_x,T,zbar' : 'customer_id,x,t_x,T';
  const body = rows.map((r) => [csvField(r.customerId), r.x, r.tx, r.T, ...(withZ ? [r.zbar ?? 0] : [])].join(','));
  return [head, ...body].join('\n') + '\n';
}

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Distinct ascending purchase days per customer (same-day rows are one purchase), in first-seen order. */
export function purchaseDaysByCustomer(rows: readonly Transaction[]): Map<string, number[]> {
  const byCustomer = new Map<string, Set<number>>();
  rows.forEach((t, i) => {
    const day = parseDay(t.date);
    if (Number.isNaN(day)) throw new CsvError(`transaction ${i + 1}: invalid date ${JSON.stringify(t.date)}`);
    let days = byCustomer.get(t.customerId);
    if (!days) byCustomer.set(t.customerId, (days = new Set()));
    days.add(day);
  });
  const out = new Map<string, number[]>();
  for (const [id, days] of byCustomer) out.set(id, [...days].sort((a, b) => a - b));
  return out;
}

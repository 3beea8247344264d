// DynamoDB item sizes and write request units by the published pricing rules (DynamoDB Local's
// ConsumedCapacity is not the bill: it does not double transactional writes, among others).
// Sizes of attribute values in DynamoDB's JSON wire format ({"S": …}, {"N": …}, {"M": …}, …).

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** Bytes of one attribute value: strings and binaries by length, numbers ~1 byte per 2 digits + 1,
 * maps and lists 3 bytes plus 1 per element (and each map key's length). */
export function valueBytes(v: Record<string, unknown>): number {
  if ('S' in v) return utf8(v.S as string);
  if ('N' in v) return Math.ceil(String(v.N).replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if ('B' in v) return typeof v.B === 'string' ? Buffer.from(v.B, 'base64').length : (v.B as Uint8Array).length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('M' in v) return 3 + Object.entries(v.M as Record<string, Record<string, unknown>>).reduce((n, [k, x]) => n + utf8(k) + valueBytes(x) + 1, 0);
  if ('L' in v) return 3 + (v.L as Record<string, unknown>[]).reduce((n, x) => n + valueBytes(x) + 1, 0);
  if ('SS' in v) return (v.SS as string[]).reduce((n, s) => n + utf8(s), 0);
  if ('NS' in v) return (v.NS as string[]).reduce((n, s) => n + valueBytes({ N: s }), 0);
  return 0;
}

/** Bytes of an item: every attribute name plus its value. */
export const itemBytes = (item: Record<string, Record<string, unknown>>): number =>
  Object.entries(item).reduce((n, [name, v]) => n + utf8(name) + valueBytes(v), 0);

/** A standard write: 1 unit per started KB; a transactional one: 2. */
export const writeUnits = (bytes: number, transactional = false): number => Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);

/** The same size for a plain item as the document client would marshal it. */
export function plainItemBytes(item: Record<string, unknown>): number {
  const value = (v: unknown): number => {
    if (typeof v === 'string') return utf8(v);
    if (typeof v === 'number') return valueBytes({ N: String(v) });
    if (typeof v === 'boolean' || v === null) return 1;
    if (Array.isArray(v)) return 3 + v.reduce((n: number, x) => n + value(x) + 1, 0);
    if (typeof v === 'object') return 3 + Object.entries(v as object).filter(([, x]) => x !== undefined).reduce((n, [k, x]) => n + utf8(k) + value(x) + 1, 0);
    return 0;
  };
  return Object.entries(item).filter(([, v]) => v !== undefined).reduce((n, [name, v]) => n + utf8(name) + value(v), 0);
}

export type ReadMode = 'eventual' | 'strong' | 'transactional';

/** A read: per started 4 KB, 0.5 unit eventually consistent, 1 strongly consistent, 2 transactional;
 * a read of nothing still costs the minimum (one started 4 KB). */
export const readUnits = (bytes: number, mode: ReadMode): number => Math.max(1, Math.ceil(bytes / 4096)) * (mode === 'eventual' ? 0.5 : mode === 'strong' ? 1 : 2);

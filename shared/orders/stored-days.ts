/**
 * How the purchase days are stored on the customer item (attribute `days`): day → [count, spend].
 * A tuple rather than {count, spend}: ~22 bytes a day instead of ~32, on an item every scan reads.
 *
 * Tables written before the days moved there keep them as DAY#<day> items under the customer
 * (access pattern 3, now legacy): a summary with purchases but no `days` means "read those once";
 * the next order write stores the map and the old items are left unread.
 */
import type { DayState, PurchaseDays } from './decide.js';
import { keys } from '../platform/table/keys.js';

export const DAYS_ATTR = 'days';
export const LEGACY_DAY_PREFIX = keys.dayPrefix;

export type StoredDays = Record<string, [number, number]>;

export const storedDays = (days: PurchaseDays): StoredDays => Object.fromEntries(Object.entries(days).map(([d, s]) => [d, [s.count, s.spend]]));

export const daysFromStored = (stored: StoredDays): Record<string, DayState> =>
  Object.fromEntries(Object.entries(stored).map(([d, [count, spend]]) => [d, { count, spend }]));

/** The customer item's days; undefined when only legacy DAY# items can tell. */
export function daysOf(item: Record<string, unknown> | undefined): Record<string, DayState> | undefined {
  const stored = item?.[DAYS_ATTR] as StoredDays | undefined;
  if (stored) return daysFromStored(stored);
  const purchases = (item?.summary as { purchaseDays?: number } | undefined)?.purchaseDays ?? 0;
  return purchases > 0 ? undefined : {};
}

/** Legacy DAY# items (sk, count, spend) as days. */
export const daysFromLegacyItems = (items: ReadonlyArray<Record<string, unknown>>): Record<string, DayState> =>
  Object.fromEntries(items.map((i) => [String(i.sk).slice(LEGACY_DAY_PREFIX.length), { count: i.count as number, spend: i.spend as number }]));

/**
 * The building blocks of every event contract, with their bounds. Everything a shop sends is
 * bounded here, at the door, so that a bad value is refused as malformed (dead-lettered with the
 * field named) instead of failing later in DynamoDB as if it were transient, and so that one bad
 * record can never block the others.
 */
import { z } from 'zod';
import { systemClock } from '../ports.js';

/** Ids end up inside DynamoDB sort keys joined by '#', in link tokens, logs and SES message tags:
 * '#', whitespace and '@' are refused up front ('@' so that a shop cannot use e-mail addresses as
 * ids, which would carry them into all of those). */
export const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
export const Id = z.string().min(1).max(128).regex(ID_PATTERN, 'only letters, digits and . _ : - (no @: ids must not be e-mail addresses)');

/**
 * An instant with an explicit offset, parsed once here: it leaves the contract as canonical UTC
 * (`2026-03-01T01:00:00.000Z`), so `09:00+08:00` and `01:00Z` are the same value everywhere
 * after the boundary, and stored instants order correctly even as strings. Code still compares
 * instants as numbers (shared/platform/time.ts `instantMs`), never as text.
 */
export const Instant = z.iso
  .datetime({ offset: true })
  .refine((s) => Number.isFinite(Date.parse(s)), 'not a calendar date')
  .transform((s) => new Date(s).toISOString());

/** How far ahead of our clock a shop's business time may be: ordinary clock skew, not a day. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * When something happened at the shop (an order, a profile change). A time further ahead than
 * clock skew explains (a local time labelled Z, a wrong clock) would make "days since the last
 * order" negative and poison every later judgement of the customer, so it is refused here as
 * malformed. Judged against the receiving function's clock at parse time (systemClock: the
 * machine's, or the instant a local demo runs at).
 */
export const ShopTime = Instant.refine((s) => Date.parse(s) <= systemClock().getTime() + MAX_CLOCK_SKEW_MS, {
  message: `more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes in the future (a local time labelled Z, or a wrong clock?)`,
});

/** The largest amount one order, line or refund may carry: far above any real order in any
 * currency (1e12 VND is ~40 M USD), far below where sums lose cents or DynamoDB numbers end (1e126). */
export const MAX_MONEY = 1e12;
export const Money = z.number().finite().nonnegative().max(MAX_MONEY);

/** Item counts, points and similar whole numbers. */
export const MAX_COUNT = 1_000_000_000;
export const Count = z.number().int().positive().max(MAX_COUNT);

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. CNY');

/** Free text from a shop (names, reasons), bounded. */
export const Text = (max: number) => z.string().max(max);

/**
 * When a member next needs the daily loyalty sweep, so the sweep reads only who is due
 * (access patterns 20 and 21 in shared/platform/table/keys.ts) instead of every member:
 *
 * - on the LOYALTY item, the UTC date of the earliest of: the next points-expiry notice or expiry,
 *   the end of a grace period, the next anniversary review (anniversary schedule; monthly reviews
 *   are the tier-review bulk run's), and "today" while the outbox holds unpublished events;
 * - on the customer item, the birthday as MM-DD: it recurs, so it never needs rewriting, and the
 *   sweep asks for the days around today (the reward's late days, time zones either side).
 *
 * Dates are conservative: never after the action is due (an anniversary is taken a day early, for
 * time zones ahead of UTC). A member read a day early is only decided again, at the cost of one
 * read: the decisions (shared/loyalty/sweep.ts decideDaily) stay the judge of what happens.
 */
import { NEVER_DUE } from '../platform/table/keys.js';
import { addDays, instantMs, isLeapYear, localDate } from '../platform/time.js';
import { parseBirthday } from './birthday.js';
import type { LoyaltyConfig } from './config.js';
import { lotExpiresAt } from './points.js';
import type { Outbox } from './port.js';
import type { LoyaltyState } from './state.js';

const utcDate = (at: Date): string => at.toISOString().slice(0, 10);

function nextAnniversary(state: LoyaltyState, config: LoyaltyConfig): Date | undefined {
  if (config.review.schedule !== 'anniversary') return undefined;
  const since = localDate(new Date(state.memberSince), config.timeZone);
  const year = state.lastReview ? Number(state.lastReview.slice(0, 4)) + 1 : since.year + 1;
  const day = since.month === 2 && since.day === 29 && !isLeapYear(year) ? 28 : since.day;
  return addDays(new Date(Date.UTC(year, since.month - 1, day)), -1);
}

/** The next action's UTC date (`next`), and the date the index carries (`on`: today while events wait). */
export function loyaltyDue(state: LoyaltyState, outbox: Outbox | undefined, now: Date, config: LoyaltyConfig): { on: string; next: string } {
  const candidates: Date[] = [];
  for (const [lot, held] of Object.entries(state.lots)) {
    const expiresAt = lotExpiresAt(lot, config);
    candidates.push(held.noticed ? expiresAt : addDays(expiresAt, -config.points.noticeDays));
  }
  if (state.grace) candidates.push(new Date(instantMs(state.grace.until)));
  const anniversary = nextAnniversary(state, config);
  if (anniversary) candidates.push(anniversary);
  const next = candidates.length ? utcDate(new Date(Math.min(...candidates.map((d) => d.getTime())))) : NEVER_DUE;
  const waiting = Object.keys(outbox ?? {}).length > 0;
  const today = utcDate(now);
  return { next, on: waiting && today < next ? today : next };
}

/** The birthday as the index carries it ('MM-DD'), or undefined when there is none to celebrate. */
export function birthdayDueKey(birthday: string | undefined): string | undefined {
  const b = parseBirthday(birthday);
  return b ? `${String(b.month).padStart(2, '0')}-${String(b.day).padStart(2, '0')}` : undefined;
}

/**
 * The MM-DD ranges (inclusive) a sweep at `now` asks for: from `lateDays` + 1 days back (a
 * reward may still be given late; UTC may be a day ahead of the customer) to `noticeDays` + 1
 * days ahead (the notice ahead; UTC may be a day behind). 29 February sorts between the 28th and 1 March, so it is always inside a
 * range that covers either. Split in two at the turn of the year.
 */
export function birthdayRanges(now: Date, lateDays: number, noticeDays = 0): Array<{ from: string; to: string }> {
  const mmdd = (d: Date) => d.toISOString().slice(5, 10);
  const from = mmdd(addDays(now, -(lateDays + 1)));
  // ...and to `noticeDays` + 1 ahead when birthdays are announced ahead (decideBirthdayNotice).
  const to = mmdd(addDays(now, noticeDays + 1));
  return from <= to ? [{ from, to }] : [{ from, to: '12-31' }, { from: '01-01', to }];
}

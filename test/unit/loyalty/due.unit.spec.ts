/** The loyalty due dates: never after the action, and the birthday window around a sweep. */
import { describe, expect, it } from 'vitest';
import { birthdayDueKey, birthdayRanges, loyaltyDue } from '../../../shared/loyalty/due.js';
import { newLoyaltyState } from '../../../shared/loyalty/index.js';
import { NEVER_DUE } from '../../../shared/platform/table/keys.js';
import { at, config } from './fixtures.js';

const now = at('2026-03-10T04:00:00Z');

describe('loyaltyDue', () => {
  it('is never for a member with nothing scheduled, and today while events wait in the outbox', () => {
    const s = newLoyaltyState('c1', now, config());
    expect(loyaltyDue(s, {}, now, config())).toEqual({ on: NEVER_DUE, next: NEVER_DUE });
    const waiting = { 'tier#x': { event: {} as never, at: now.toISOString() } };
    expect(loyaltyDue(s, waiting, now, config())).toEqual({ on: '2026-03-10', next: NEVER_DUE });
  });

  it('is the expiry notice of the oldest lot, then its expiry once noticed (Shanghai month ends in UTC)', () => {
    // Points of March 2026 expire when March 2027 ends in Shanghai: 2027-03-31T16:00Z; notice 30 days before
    const s = { ...newLoyaltyState('c1', now, config()), balance: 100, lots: { '2026-03': { points: 100 } } };
    expect(loyaltyDue(s, {}, now, config()).next).toBe('2027-03-01');
    expect(loyaltyDue({ ...s, lots: { '2026-03': { points: 100, noticed: true } } }, {}, now, config()).next).toBe('2027-03-31');
  });

  it('is the end of a grace period, and the day before the next anniversary on that schedule', () => {
    const s = { ...newLoyaltyState('c1', at('2025-06-15T04:00:00Z'), config()), grace: { until: '2026-04-09T04:00:00Z', review: '2026-03' } };
    expect(loyaltyDue(s, {}, now, config()).next).toBe('2026-04-09');
    const yearly = config({ review: { schedule: 'anniversary', graceDays: 0 } });
    expect(loyaltyDue({ ...s, grace: undefined, lastReview: undefined }, {}, now, yearly).next).toBe('2026-06-14');
    expect(loyaltyDue({ ...s, grace: undefined, lastReview: '2026-06-15' }, {}, now, yearly).next).toBe('2027-06-14');
  });
});

describe('birthdays', () => {
  it('are kept as MM-DD, with or without a year; an invalid one is not kept', () => {
    expect(['1990-03-07', '03-07', '02-29', '02-30', undefined].map(birthdayDueKey)).toEqual(['03-07', '03-07', '02-29', undefined, undefined]);
  });

  it('are asked for from late days + 1 back to one day ahead, across the turn of the year, 29 February inside', () => {
    expect(birthdayRanges(at('2026-03-10T03:00:00Z'), 3)).toEqual([{ from: '03-06', to: '03-11' }]);
    expect(birthdayRanges(at('2027-01-02T03:00:00Z'), 3)).toEqual([{ from: '12-29', to: '12-31' }, { from: '01-01', to: '01-03' }]);
    const [feb] = birthdayRanges(at('2027-02-28T03:00:00Z'), 0);
    expect(feb!.from <= '02-29' && '02-29' <= feb!.to).toBe(true);
  });

  it('reach notice days + 1 ahead when birthdays are announced ahead', () => {
    expect(birthdayRanges(at('2026-03-10T03:00:00Z'), 3, 3)).toEqual([{ from: '03-06', to: '03-14' }]);
    expect(birthdayRanges(at('2026-12-29T03:00:00Z'), 3, 3)).toEqual([{ from: '12-25', to: '12-31' }, { from: '01-01', to: '01-02' }]);
  });
});

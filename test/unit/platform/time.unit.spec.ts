/** Instants, and wall-clock times that clocks show twice when they fall back. */
import { describe, expect, it } from 'vitest';
import { nextAllowedTime } from '../../../shared/campaigns/policy.js';
import { decideProfile } from '../../../shared/customers/record.js';
import { instantMs, zonedInstant } from '../../../shared/platform/time.js';

const w = (year: number, month: number, day: number, hour: number, minute: number) => ({ year, month, day, hour, minute });

describe('zonedInstant in a fall-back overlap', () => {
  it.each([
    ['America/New_York', w(2026, 11, 1, 1, 30), '2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z'],
    ['Europe/London', w(2026, 10, 25, 1, 30), '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z'],
    ['Australia/Sydney', w(2026, 4, 5, 2, 30), '2026-04-04T15:30:00.000Z', '2026-04-04T16:30:00.000Z'],
    ['Australia/Lord_Howe', w(2026, 4, 5, 1, 45), '2026-04-04T14:45:00.000Z', '2026-04-04T15:15:00.000Z'],
  ])('%s: the earlier instant for a start, the later for an end', (tz, wall, earlier, later) => {
    expect(zonedInstant(wall, tz).toISOString()).toBe(earlier);
    expect(zonedInstant(wall, tz, 'later').toISOString()).toBe(later);
  });
  it('is the one instant on an ordinary day', () => {
    expect(zonedInstant(w(2026, 6, 1, 1, 30), 'America/New_York', 'later').toISOString()).toBe('2026-06-01T05:30:00.000Z');
  });
  it('ends quiet hours at the later 01:45 when now is in the repeated hour', () => {
    expect(nextAllowedTime(new Date('2026-11-01T06:10:00Z'), 'America/New_York', { start: '21:00', end: '01:45' }).toISOString()).toBe('2026-11-01T06:45:00.000Z');
  });
});

describe('instants with offsets', () => {
  it('compares by instant, not by text', () => {
    expect(instantMs('2026-03-01T09:00:00+08:00')).toBeLessThan(instantMs('2026-03-01T05:00:00Z'));
  });
  it('lets a later withdrawal written in another offset win over an earlier consent', () => {
    const profile = { email: 'a@b.c', name: 'A', locale: 'en' as const, timeZone: 'UTC', marketingConsent: true, updatedAt: '2026-03-01T09:00:00+08:00' };
    const withdrawal = { customerId: 'c1', email: 'a@b.c', name: 'A', locale: 'en' as const, timeZone: 'UTC', marketingConsent: false, occurredAt: '2026-03-01T05:00:00Z' };
    expect(decideProfile(profile, withdrawal)?.marketingConsent).toBe(false);
    expect(decideProfile({ ...profile, updatedAt: '2026-03-01T06:00:00Z' }, withdrawal)).toBeNull();
  });
});

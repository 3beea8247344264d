/** Instants, and wall-clock times that clocks show twice when they fall back. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextAllowedTime } from '../../../shared/campaigns/policy.js';
import { decideProfile } from '../../../shared/customers/record.js';
import { instantMs, wallClock, zonedInstant } from '../../../shared/platform/time.js';

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

const ZONES = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];
const formats = new Map(ZONES.map((timeZone) => [timeZone, new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })]));
const byIntl = (at: Date, timeZone: string) => {
  const f = formats.get(timeZone)!;
  const p = Object.fromEntries(f.formatToParts(at).filter((x) => x.type !== 'literal').map((x) => [x.type, Number(x.value)]));
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute };
};

describe('Function: wallClock', () => {
  it('reads what Intl reads, at any instant since 1970 in zones with DST, half and quarter hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...ZONES), (ms, zone) => {
        expect(wallClock(new Date(ms), zone)).toEqual(byIntl(new Date(ms), zone));
      }),
      { numRuns: 1000 },
    );
  });

  it('is exact on both sides of a transition', () => {
    const springForward = Date.UTC(2026, 2, 8, 7, 0); // 02:00 New York standard time becomes 03:00
    for (const ms of [springForward - 60_000, springForward - 1, springForward, springForward + 1]) {
      expect(wallClock(new Date(ms), 'America/New_York')).toEqual(byIntl(new Date(ms), 'America/New_York'));
    }
    expect(zonedInstant({ year: 2026, month: 3, day: 8, hour: 3, minute: 0 }, 'America/New_York').getTime()).toBe(springForward);
  });
});

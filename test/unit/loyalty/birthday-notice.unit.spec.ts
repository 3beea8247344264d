import { describe, expect, it } from 'vitest';
import { decideBirthdayNotice } from '../../../shared/loyalty/birthday.js';
import { newLoyaltyState } from '../../../shared/loyalty/index.js';
import { at, config } from './fixtures.js';

const state = newLoyaltyState('c1', at('2025-01-01T00:00:00Z'), config());
const shanghai = (birthday: string) => ({ birthday, timeZone: 'Asia/Shanghai' });

describe('birthday notice ahead (birthday.noticeDays, default 3)', () => {
  it('tells three days ahead in the customer time zone, naming the date and the configured days', () => {
    // 2026-05-06T17:00Z is already 7 May in Shanghai: three days before 10 May
    const d = decideBirthdayNotice(state, shanghai('1990-05-10'), at('2026-05-06T17:00:00Z'), config());
    expect(d).toMatchObject({
      kind: 'notice',
      state: { birthdayNoticeYear: 2026 },
      event: { customerId: 'c1', year: 2026, date: '2026-05-10', daysBefore: 3, daysLeft: 3, key: 'birthday-notice#2026' },
    });
    // ...and not earlier
    expect(decideBirthdayNotice(state, shanghai('05-10'), at('2026-05-06T15:00:00Z'), config())).toEqual({ kind: 'none' });
  });

  it('still tells a day late with the days left, once a year, and never on the day itself', () => {
    const late = decideBirthdayNotice(state, shanghai('05-10'), at('2026-05-08T04:00:00Z'), config());
    expect(late).toMatchObject({ kind: 'notice', event: { daysBefore: 3, daysLeft: 2 } });
    if (late.kind !== 'notice') throw new Error('expected a notice');
    expect(decideBirthdayNotice(late.state, shanghai('05-10'), at('2026-05-09T04:00:00Z'), config())).toEqual({ kind: 'none' });
    expect(decideBirthdayNotice(state, shanghai('05-10'), at('2026-05-10T04:00:00Z'), config())).toEqual({ kind: 'none' });
    // next year again
    expect(decideBirthdayNotice(late.state, shanghai('05-10'), at('2027-05-08T04:00:00Z'), config())).toMatchObject({ kind: 'notice', event: { year: 2027 } });
  });

  it('looks across the turn of the year, and says nothing when notices are off or there is no birthday', () => {
    expect(decideBirthdayNotice(state, shanghai('01-02'), at('2026-12-30T04:00:00Z'), config())).toMatchObject({ kind: 'notice', event: { year: 2027, date: '2027-01-02', daysLeft: 3 } });
    const off = config({ birthday: { reward: { kind: 'points', points: 200 }, noticeDays: 0 } });
    expect(decideBirthdayNotice(state, shanghai('05-10'), at('2026-05-07T04:00:00Z'), off)).toEqual({ kind: 'none' });
    expect(decideBirthdayNotice(state, { timeZone: 'Asia/Shanghai' }, at('2026-05-07T04:00:00Z'), config())).toEqual({ kind: 'none' });
  });
});

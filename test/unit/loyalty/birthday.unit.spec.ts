import { describe, expect, it } from 'vitest';
import { decideBirthday } from '../../../shared/loyalty/index.js';
import { MemoryLoyalty } from './memory-loyalty.js';
import { at, config, placed } from './fixtures.js';

const given = (cfg = config()) => new MemoryLoyalty(cfg, at('2025-01-01T00:00:00Z'));
const shanghai = (birthday: string) => ({ birthday, timeZone: 'Asia/Shanghai' });

describe('birthday reward', () => {
  it('is granted on the birthday in the customer time zone, as points and a payload for campaigns', () => {
    const m = given();
    // 2026-05-09T17:00Z is already 10 May in Shanghai, still 9 May in London.
    expect(decideBirthday(m.state, { birthday: '05-10', timeZone: 'Europe/London' }, at('2026-05-09T17:00:00Z'), m.config)).toEqual({
      kind: 'none',
      reason: 'not-today',
    });
    const d = m.birthday(shanghai('1990-05-10'), at('2026-05-09T17:00:00Z'));
    expect(d).toMatchObject({
      kind: 'reward',
      year: 2026,
      entry: { key: 'birthday#2026', kind: 'birthday', points: 200 },
      event: { customerId: 'c1', year: 2026, date: '2026-05-10', reward: { kind: 'points', points: 200 }, key: 'birthday#2026' },
    });
    expect(m.balance).toBe(200);
  });

  it('is granted once a year, even when the birthday is moved to tomorrow', () => {
    const m = given();
    m.birthday(shanghai('05-10'), at('2026-05-10T04:00:00Z'));
    expect(m.birthday(shanghai('05-10'), at('2026-05-10T05:00:00Z'))).toEqual({ kind: 'duplicate', year: 2026 });
    expect(m.birthday(shanghai('05-11'), at('2026-05-11T04:00:00Z'))).toEqual({ kind: 'duplicate', year: 2026 });
    expect(m.birthday(shanghai('05-11'), at('2027-05-11T04:00:00Z'))).toMatchObject({ kind: 'reward', year: 2027 });
  });

  it('moves 29 February to 28 February in other years (or 1 March when configured)', () => {
    const feb28 = given();
    expect(feb28.birthday(shanghai('2000-02-29'), at('2027-02-28T04:00:00Z'))).toMatchObject({ kind: 'reward', event: { date: '2027-02-28' } });
    expect(feb28.birthday(shanghai('2000-02-29'), at('2028-02-29T04:00:00Z'))).toMatchObject({ kind: 'reward', event: { date: '2028-02-29' } });
    const mar1 = given(config({ birthday: { reward: { kind: 'points', points: 200 }, feb29: 'mar-01', lateDays: 0 } }));
    expect(mar1.birthday(shanghai('02-29'), at('2027-02-28T04:00:00Z'))).toMatchObject({ kind: 'none', reason: 'not-today' });
    expect(mar1.birthday(shanghai('02-29'), at('2027-03-01T04:00:00Z'))).toMatchObject({ kind: 'reward', event: { date: '2027-03-01' } });
  });

  it('is still granted by a late sweep, for the year of the birthday', () => {
    const m = given();
    expect(m.birthday(shanghai('12-31'), at('2027-01-02T04:00:00Z'))).toMatchObject({ kind: 'reward', year: 2026, entry: { key: 'birthday#2026' } });
    expect(m.birthday(shanghai('12-31'), at('2027-01-03T04:00:00Z'))).toMatchObject({ kind: 'duplicate' });
    expect(m.birthday(shanghai('12-31'), at('2027-01-04T04:00:00Z'))).toMatchObject({ kind: 'none', reason: 'not-today' });
  });

  it('is the tier coupon when the tier has one: a zero-point claim entry and a coupon request', () => {
    const cfg = config();
    cfg.tiers[1]!.birthdayReward = { kind: 'coupon', value: 30 };
    const m = given(cfg);
    m.order(placed('o1', 1200, '2026-05-01T00:00:00Z'), at('2026-05-01T00:00:00Z'));
    const d = m.birthday(shanghai('05-10'), at('2026-05-10T04:00:00Z'));
    expect(d).toMatchObject({ kind: 'reward', entry: { points: 0, couponValue: 30 }, coupon: { idempotencyKey: 'birthday#2026', value: 30, currency: 'CNY' } });
    expect(m.balance).toBe(1200);
  });

  it.each([[undefined, 'no-birthday'], ['02-30', 'invalid-birthday'], ['13-01', 'invalid-birthday']])('does nothing for birthday %s', (birthday, reason) => {
    const m = given();
    expect(m.birthday({ ...(birthday ? { birthday } : {}), timeZone: 'Asia/Shanghai' }, at('2026-05-10T04:00:00Z'))).toEqual({ kind: 'none', reason });
  });
});

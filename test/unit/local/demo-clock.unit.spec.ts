/** The demo's default instant is never in the future: its events would be refused as clock errors. */
import { describe, expect, it } from 'vitest';
import { demoInstant } from '../../../local/demo-clock.js';
import { ShopTime } from '../../../shared/platform/contracts/primitives.js';
import { runClockFrom } from '../../../shared/platform/ports.js';

describe('the demo instant', () => {
  it('is 10:00 in Shanghai today once that has passed', () => {
    expect(demoInstant(new Date('2026-12-02T09:30:00Z')).toISOString()).toBe('2026-12-02T02:00:00.000Z');
    expect(demoInstant(new Date('2026-12-02T02:00:00Z')).toISOString()).toBe('2026-12-02T02:00:00.000Z');
  });

  it('is yesterday\'s 10:00 in Shanghai between 00:00 and 02:00 UTC (today\'s is still ahead)', () => {
    expect(demoInstant(new Date('2026-12-02T00:05:00Z')).toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });
});

describe('a shop time ahead of the machine clock', () => {
  it('is judged against the clock the system runs at (a demo run at a later --now accepts its own events)', () => {
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    expect(ShopTime.safeParse(ahead).success).toBe(false);
    try {
      runClockFrom(new Date(Date.now() + 2 * 3_600_000));
      expect(ShopTime.safeParse(ahead).success).toBe(true);
    } finally {
      runClockFrom(new Date());
    }
  });
});

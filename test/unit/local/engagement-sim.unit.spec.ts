import { describe, expect, it } from 'vitest';
import { DEMO_RATES, feedbackFor, reactionTo } from '../../../local/engagement-sim.js';

const mail = (i: number) => ({ campaignId: 'win-back', customerId: `c${i}`, occurrence: '2026-11' });

describe('the simulated recipients', () => {
  it('react to a mail by what it is (campaign, customer, occurrence), not by the message id the SES emulator makes up on each run', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    const withoutId = (events: Array<{ detail: unknown }>) => JSON.parse(JSON.stringify(events).replace(/"messageId":"[^"]*"/g, '"messageId":"-"'));
    const sentAt = Date.parse('2026-12-02T02:00:00Z');
    for (let i = 0; i < 50; i++) {
      const first = feedbackFor(7, { ...mail(i), messageId: `run1-${i}`, sentAt }, now).events;
      const second = feedbackFor(7, { ...mail(i), messageId: `run2-${i}`, sentAt }, now).events;
      expect(withoutId(second)).toEqual(withoutId(first));
    }
  });

  it('differ between seeds, mails and occurrences', () => {
    const all = (seed: number, occurrence = '2026-11') => Array.from({ length: 200 }, (_, i) => reactionTo(seed, { ...mail(i), occurrence }).opened);
    expect(all(7)).not.toEqual(all(8));
    expect(all(7)).not.toEqual(all(7, '2026-12'));
  });

  it('open, click and get scanned at about the configured rates, only after delivery', () => {
    const n = 20_000;
    const r = Array.from({ length: n }, (_, i) => reactionTo(3, mail(i)));
    const share = (f: (x: (typeof r)[number]) => boolean, of = r) => of.filter(f).length / of.length;
    expect(share((x) => x.delivered)).toBeCloseTo(DEMO_RATES.delivered, 2);
    const delivered = r.filter((x) => x.delivered);
    expect(share((x) => x.opened, delivered)).toBeCloseTo(DEMO_RATES.opened, 1);
    expect(share((x) => x.clicked, delivered.filter((x) => x.opened))).toBeCloseTo(DEMO_RATES.clicked, 1);
    expect(r.filter((x) => !x.delivered).every((x) => !x.opened && !x.clicked && !x.scanned)).toBe(true);
    expect(r.every((x) => x.openAfterMs >= 60_000 && x.openAfterMs < 60_000 + 6 * 3_600_000)).toBe(true);
  });
});

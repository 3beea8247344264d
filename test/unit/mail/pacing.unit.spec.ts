/** The send lanes' pacing: the shared schedule never grants calls closer than the account allows. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SQSRecord } from 'aws-lambda';
import { gate, holdSeconds, intervalMs, takeSlot, type SesAccount, type Take } from '../../../shared/mail/pacing.js';
import { SesAccountCache } from '../../../shared/mail/account.js';
import { queueUrlOf, SendLane } from '../../../shared/platform/runtime/lane.js';
import type { SendRate } from '../../../shared/mail/port.js';

const account = (a: Partial<SesAccount> = {}): SesAccount => ({ maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 0, sendingEnabled: true, productionAccess: true, ...a });
const settings = { share: 0.9, refreshMs: 60_000, maxWaitMs: 10_000, pauseHoldSeconds: 300, quotaHoldSeconds: 900 };

/** The table item's schedule, in memory, with DynamoDB's atomic take (one at a time). */
class MemoryRate implements SendRate {
  tat?: number;
  async peek() {
    return this.tat;
  }
  async take(now: number, interval: number, maxAhead: number): Promise<Take> {
    const t = takeSlot(this.tat, now, interval, maxAhead);
    if (t.kind === 'slot') this.tat = t.tat;
    return t;
  }
}

describe('takeSlot (the shared schedule)', () => {
  it('never grants two slots closer than the interval, so no second holds more than the rate, whatever the arrival times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }), (rate, gaps) => {
        const interval = intervalMs(account({ maxSendRate: rate }), 1);
        let tat: number | undefined;
        let now = 1_700_000_000_000;
        const slots: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const t = takeSlot(tat, now, interval, 10_000);
          if (t.kind === 'saturated') continue;
          expect(t.slotMs).toBeGreaterThanOrEqual(now);
          slots.push(t.slotMs);
          tat = t.tat;
        }
        for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(interval);
        // Any window of one second holds at most `rate` slot starts.
        for (let i = 0; i < slots.length; i++) expect(slots.filter((s) => s >= slots[i]! && s < slots[i]! + 1000).length).toBeLessThanOrEqual(rate);
      }),
    );
  });

  it('reports a schedule beyond reach as saturated, and restarts one left by a clock that moved back', () => {
    expect(takeSlot(20_000, 5_000, 100, 10_000)).toEqual({ kind: 'saturated', aheadMs: 15_000 });
    expect(takeSlot(10_000_000, 5_000, 100, 10_000)).toEqual({ kind: 'slot', slotMs: 5_000, tat: 5_100 });
    expect(takeSlot(undefined, 5_000, 100, 10_000)).toEqual({ kind: 'slot', slotMs: 5_000, tat: 5_100 });
  });

  it('sizes the interval from the account: 14/s at 90 % is one call every 79.4 ms; the sandbox one a second', () => {
    expect(intervalMs(account(), 0.9)).toBeCloseTo(79.365, 2);
    expect(intervalMs(account({ maxSendRate: 1 }), 1)).toBe(1000);
    expect(intervalMs(account({ maxSendRate: 200 }), 0.9)).toBeCloseTo(5.556, 2);
    expect(intervalMs(account({ maxSendRate: 200 }), 0.9)).toBeGreaterThanOrEqual(1000 / 180);
  });
});

describe('gate', () => {
  it('pauses while sending is disabled, and once the quota would run out before the next account read', () => {
    expect(gate(account({ sendingEnabled: false }), settings)).toEqual({ kind: 'paused' });
    // 14/s × 0.9 × 60 s = 756 may still go before the next read.
    expect(gate(account({ sentLast24Hours: 50_000 - 756 }), settings)).toEqual({ kind: 'quota' });
    expect(gate(account({ sentLast24Hours: 50_000 - 757 }), settings)).toEqual({ kind: 'open' });
    expect(gate(account({ max24HourSend: -1, sentLast24Hours: 10 ** 9 }), settings)).toEqual({ kind: 'open' });
  });
});

describe('holdSeconds', () => {
  it('holds for the reason, with up to 20 % jitter, within what SQS allows', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 10 ** 8 }), (r, ahead) => {
        const paused = holdSeconds('paused', settings, ahead, () => r);
        expect(paused).toBeGreaterThanOrEqual(300);
        expect(paused).toBeLessThanOrEqual(360);
        const sat = holdSeconds('saturated', settings, ahead, () => r);
        expect(sat).toBeGreaterThanOrEqual(Math.min(43_200, Math.max(1, Math.ceil(ahead / 1000))));
        expect(sat).toBeLessThanOrEqual(43_200);
      }),
    );
  });
});

describe('SesAccountCache', () => {
  it('reads once per refresh period, keeps the last good account when a read fails, assumes the sandbox before any', async () => {
    let now = 0;
    const answers: Array<SesAccount | Error> = [new Error('AccessDenied'), account({ maxSendRate: 50 }), new Error('Throttling')];
    let reads = 0;
    const cache = new SesAccountCache(async () => {
      reads++;
      const a = answers.shift()!;
      if (a instanceof Error) throw a;
      return a;
    }, 60_000, () => now);
    expect((await cache.get()).maxSendRate).toBe(1);
    now = 30_000;
    expect((await cache.get()).maxSendRate).toBe(1);
    expect(reads).toBe(1);
    now = 61_000;
    expect((await cache.get()).maxSendRate).toBe(50);
    now = 122_000;
    expect((await cache.get()).maxSendRate).toBe(50);
    expect(reads).toBe(3);
  });
});

describe('SendLane', () => {
  const record = (receives: number): SQSRecord =>
    ({ messageId: 'm', receiptHandle: 'rh', body: '{}', attributes: { ApproximateReceiveCount: String(receives) }, eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:lane' }) as unknown as SQSRecord;
  const laneWith = (a: SesAccount, rate = new MemoryRate(), now = () => 1_000_000) => {
    const calls: Array<{ name: string; input: Record<string, unknown> }> = [];
    const sqs = { send: async (c: { constructor: { name: string }; input: Record<string, unknown> }) => void calls.push({ name: c.constructor.name, input: c.input }) };
    const slept: number[] = [];
    const lane = new SendLane({
      account: new SesAccountCache(async () => a, 60_000),
      rate,
      sqs: sqs as never,
      settings,
      requeueAfter: 3,
      now,
      random: () => 0,
      sleep: async (ms) => void slept.push(ms),
    });
    return { lane, calls, slept, rate };
  };

  it('holds a record in its queue while sending is paused, and sends it back as a new message before its receives run out', async () => {
    const { lane, calls } = laneWith(account({ sendingEnabled: false }));
    expect(await lane.admit(record(1))).toEqual({ reason: 'paused', seconds: 300, how: 'held' });
    expect(calls[0]).toEqual({ name: 'ChangeMessageVisibilityCommand', input: { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/lane', ReceiptHandle: 'rh', VisibilityTimeout: 300 } });
    expect(await lane.admit(record(3))).toEqual({ reason: 'paused', seconds: 300, how: 'requeued' });
    expect(calls[1]).toMatchObject({ name: 'SendMessageCommand', input: { MessageBody: '{}', DelaySeconds: 300 } });
  });

  it('lets a record through while the account is open and the schedule within reach; holds it when saturated', async () => {
    const rate = new MemoryRate();
    const { lane } = laneWith(account(), rate);
    expect(await lane.admit(record(1))).toBeUndefined();
    rate.tat = 1_000_000 + 15_000;
    expect(await lane.admit(record(1))).toMatchObject({ reason: 'saturated', seconds: 15, how: 'held' });
  });

  it('waits before each SendEmail until its slot', async () => {
    const { lane, slept } = laneWith(account({ maxSendRate: 10 }));
    expect(await lane.pace()).toBe(true);
    expect(await lane.pace()).toBe(true);
    expect(await lane.pace()).toBe(true);
    // 10/s at 90 %: slots 111.1 ms apart, the first at once.
    expect(slept).toHaveLength(2);
    expect(slept[0]).toBeCloseTo(111.11, 1);
    expect(slept[1]).toBeCloseTo(222.22, 1);
  });

  it('names the queue of a record from its source ARN, on a local endpoint too', () => {
    expect(queueUrlOf('arn:aws:sqs:local:000000000000:CampaignTriggers', 'http://127.0.0.1:9')).toBe('http://127.0.0.1:9/000000000000/CampaignTriggers');
  });
});

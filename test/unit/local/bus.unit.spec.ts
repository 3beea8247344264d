/** The local bus's queueing: the shop-facing PutEvents waits while the queues are long; the
 * functions' own endpoint never does. Stub handlers stand in for the functions here: what is
 * under test is the bus, and the real handlers go through it in every integration test. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../../local/bus.js';

const clients: EventBridgeClient[] = [];
const client = (endpoint: string) => {
  const c = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  clients.push(c);
  return c;
};
const placed = (i: number) => ({
  Source: 'engage.shop',
  DetailType: 'order.placed',
  Detail: JSON.stringify({ orderId: `o-${i}`, customerId: 'c-1', lines: [{ sku: 's', quantity: 1, unitPrice: 1 }], total: 1, currency: 'CNY', occurredAt: '2026-01-01T00:00:00Z' }),
});
const slowHandler = (delivered: string[]) => async (event: SQSEvent): Promise<SQSBatchResponse> => {
  await new Promise((ok) => setTimeout(ok, 5));
  delivered.push(...event.Records.map((r) => r.messageId));
  return { batchItemFailures: [] };
};

let bus: LocalBus | undefined;
afterEach(async () => {
  await bus?.close();
  for (const c of clients.splice(0)) c.destroy();
});

describe('Class: LocalBus', () => {
  it('makes the shop wait while the queues are long, and still delivers everything', async () => {
    const delivered: string[] = [];
    bus = new LocalBus(async () => slowHandler(delivered), { concurrency: 1, maxPending: 40 });
    const shop = client(await bus.listen());
    let deepest = 0;
    const watch = setInterval(() => (deepest = Math.max(deepest, bus!.depth)), 1);
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < 60) {
        const start = next;
        next += 1;
        await shop.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, k) => placed(start * 10 + k)) }));
      }
    }));
    await bus.idle();
    clearInterval(watch);
    // 600 order.placed reach three routes each (orders, loyalty, flows); four publishers may each have one call admitted at the limit
    expect(delivered).toHaveLength(1800);
    expect(deepest).toBeGreaterThanOrEqual(40);
    expect(deepest).toBeLessThanOrEqual(40 + 4 * 10 * 3);
  });

  it('never makes the functions wait: their endpoint takes events however long the queues are', async () => {
    const gate: Array<() => void> = [];
    bus = new LocalBus(async () => async () => new Promise<SQSBatchResponse>((ok) => gate.push(() => ok({ batchItemFailures: [] }))), { concurrency: 1, maxPending: 5 });
    await bus.listen();
    const internal = client(bus.internalEndpoint);
    for (let i = 0; i < 5; i++) await internal.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, k) => placed(i * 10 + k)) }));
    expect(bus.depth).toBeGreaterThan(50);
    const release = setInterval(() => gate.splice(0).forEach((ok) => ok()), 1);
    await bus.idle();
    clearInterval(release);
  });

  it('runs a send lane with at most laneConcurrency invocations at once, below its maxConcurrency (32)', async () => {
    bus = new LocalBus(async () => async () => new Promise<SQSBatchResponse>((ok) => setTimeout(() => ok({ batchItemFailures: [] }), 5)), { laneConcurrency: 3 });
    await bus.listen();
    const riskChanged = { customerId: 'c-1', from: 'active', to: 'at-risk', method: 'rule', daysSinceLastOrder: 80, lastOrderDay: '2026-09-01', runKey: '2026-11-20T10:00:00.000Z', occurredAt: '2026-11-20T10:00:00.000Z' };
    for (let i = 0; i < 200; i++) bus.deliver('engage.core', 'customer.risk-changed', { ...riskChanged, customerId: `c-${i}` });
    await bus.idle();
    const lane = bus.queues.get('CampaignTriggers')!;
    expect(lane.delivered).toBe(200);
    expect(lane.maxInFlight).toBe(3);
  });
});

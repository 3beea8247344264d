/**
 * The lanes' shared SES schedule on DynamoDB Local: concurrent takes from many containers never
 * share a slot, and a take costs one conditional write in the common cases (each failed condition
 * is billed on the one item every sender shares).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoSendRate, PEEK_FRESH_MS } from '../../shared/mail/dynamodb.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { systemForTest, type TestSystem } from '../support/system.js';

let sys: TestSystem;
beforeAll(async () => void (sys = await systemForTest()));
afterAll(() => sys?.close());

/** A container's rate store whose every UpdateItem (and GetItem) is counted. */
function container(counter: { updates: number; gets?: number }, clockMs?: () => number) {
  const db = documentClient(sys.dynamodb) as DynamoDBDocumentClient;
  const send = db.send.bind(db);
  const counted = Object.assign(Object.create(db) as DynamoDBDocumentClient, {
    send: ((cmd: { constructor: { name: string } }) => {
      if (cmd.constructor.name === 'UpdateCommand') counter.updates++;
      if (cmd.constructor.name === 'GetCommand') counter.gets = (counter.gets ?? 0) + 1;
      return send(cmd as never);
    }) as typeof db.send,
  });
  return new DynamoSendRate(counted, sys.tableName, clockMs);
}

describe('the shared send schedule', () => {
  it('answers peeks within a quarter second from one read: a hint, not a read of the shared item per record', async () => {
    const counter = { updates: 0, gets: 0 };
    let clock = 1_000_000;
    const rate = container(counter, () => clock);
    const writer = container({ updates: 0 });
    const first = await rate.peek();
    await writer.take(Date.now() + 60_000, 10, 120_000);
    clock += PEEK_FRESH_MS - 1;
    expect(await rate.peek()).toBe(first);
    expect(counter.gets).toBe(1);
    clock += 1;
    expect(await rate.peek()).not.toBe(first); // the take a minute ahead is seen once the hint is stale
    expect(counter.gets).toBe(2);
  });

  it('gives 60 concurrent takes from 6 containers 60 distinct slots one interval apart', async () => {
    const counter = { updates: 0 };
    const containers = Array.from({ length: 6 }, () => container(counter));
    const now = Date.now();
    const takes = await Promise.all(Array.from({ length: 60 }, (_, i) => containers[i % 6]!.take(now, 10, 5_000)));
    const slots = takes.map((t) => (t.kind === 'slot' ? t.slotMs : NaN)).sort((a, b) => a - b);
    expect(new Set(slots).size).toBe(60);
    slots.slice(1).forEach((s, i) => expect(s - slots[i]!).toBeCloseTo(10, 6));
    expect(slots[0]).toBeGreaterThanOrEqual(now);
  });

  it('costs one write per take after a pause and while busy, once a container has seen the schedule', async () => {
    const counter = { updates: 0 };
    const rate = container(counter);
    let now = Date.now() + 60_000;
    await rate.take(now, 10, 5_000);
    // a pause: the schedule lies in the past
    now += 60_000;
    counter.updates = 0;
    expect(await rate.take(now, 10, 5_000)).toMatchObject({ kind: 'slot', slotMs: now });
    expect(counter.updates).toBe(1);
    // busy: the schedule is ahead
    counter.updates = 0;
    for (let i = 0; i < 5; i++) expect(await rate.take(now, 10, 5_000)).toMatchObject({ kind: 'slot', slotMs: now + 10 * (i + 1) });
    expect(counter.updates).toBe(5);
  });
});

/**
 * Guarantee: the due index drains. Against DynamoDB Local with the real send store: a shard far
 * larger than a page is drained in one run, every send published once with its leased due time,
 * and not again while the lease holds; and through the real handlers, a deferral written in the
 * format before the buckets (dueShard=DUE#<0..3>) is still found and sent once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { putRaw, systemForTest, type TestSystem } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { db, mailable, partition, placed, profile, riskChanged } from '../../support/guarantees.js';
import { publishDueSends } from '../../../shared/campaigns/due.js';
import type { OutgoingEvent } from '../../../shared/platform/contracts/events.js';
import { TableAttr, dueKeys, keys } from '../../../shared/platform/table/keys.js';

let sys: TestSystem;
// 10:00 UTC is 23:00 in Auckland: quiet hours until 08:00 there (19:00 UTC).
const T0 = new Date('2026-11-20T10:00:00Z');

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(T0);
  sys = await systemForTest();
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('the due index', () => {
  it('drains a shard of 1,100 due sends in one run, each once with its lease, and publishes none again while leased', async () => {
    const dueAt = '2026-11-20T09:00:00.000Z';
    const ids: string[] = [];
    for (let i = 0; ids.length < 1_100; i++) if (dueKeys.of(`bulk-${sys.tag}-${i}`, dueAt).endsWith('#0')) ids.push(`bulk-${sys.tag}-${i}`);
    const trigger = { type: 'risk-changed', customerId: 'x', occurrence: 'o', vars: {}, match: {} };
    for (let i = 0; i < ids.length; i += 25) {
      await db(sys).send(
        new BatchWriteCommand({
          RequestItems: {
            [sys.tableName]: ids.slice(i, i + 25).map((id) => ({
              PutRequest: { Item: { ...keys.send(id, 'win-back', 'o'), customerId: id, campaignId: 'win-back', occurrence: 'o', status: 'deferred', trigger, [TableAttr.dueShard]: dueKeys.of(id, dueAt), [TableAttr.dueAt]: dueAt } },
            })),
          },
        }),
      );
    }
    const events: OutgoingEvent[] = [];
    const publisher = { publish: async (e: OutgoingEvent[]) => void events.push(...e) };
    const run = await publishDueSends({ sends: sys.stores.sends, publisher }, T0);
    expect(run).toMatchObject({ published: 1_100, drained: true });
    expect(new Set(events.map((e) => (e.detail as { customerId: string }).customerId)).size).toBe(1_100);
    expect(new Set(events.map((e) => (e.detail as { dueAt: string }).dueAt))).toEqual(new Set(['2026-11-20T10:15:00.000Z']));
    // The next run, 14 minutes later: every one of them is leased.
    const again = await publishDueSends({ sends: sys.stores.sends, publisher }, new Date(T0.getTime() + 14 * 60_000));
    expect(again.published).toBe(0);
    // (gone again, so the handlers of the next test do not meet these made-up sends)
    for (let i = 0; i < ids.length; i += 25) {
      await db(sys).send(new BatchWriteCommand({ RequestItems: { [sys.tableName]: ids.slice(i, i + 25).map((id) => ({ DeleteRequest: { Key: keys.send(id, 'win-back', 'o') } })) } }));
    }
  }, 180_000);

  it('still finds a deferral written before the buckets, and sends it once when due', async () => {
    const id = mailable('win-back', `legacy-${sys.tag}-`);
    await putRaw(sys, [profile(id, { timeZone: 'Pacific/Auckland' }), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    await putRaw(sys, [riskChanged(id, T0)]);
    const deferred = (await partition(sys, id)).find((i) => String(i.sk).startsWith('SEND#win-back#'))!;
    expect(deferred).toMatchObject({ status: 'deferred', [TableAttr.dueShard]: expect.stringMatching(/^DUE#2026-11-20#\d+$/) });
    // As a deployed table holds it: the shard format before the buckets.
    await db(sys).send(new UpdateCommand({ TableName: sys.tableName, Key: { pk: deferred.pk, sk: deferred.sk }, UpdateExpression: 'SET #s = :old', ExpressionAttributeNames: { '#s': TableAttr.dueShard }, ExpressionAttributeValues: { ':old': dueKeys.legacyShard(1) } }));
    const due = new Date('2026-11-20T19:05:00Z');
    vi.setSystemTime(due);
    await sys.runScheduled('dispatch-due', due);
    await sys.runScheduled('dispatch-due', new Date(due.getTime() + 15 * 60_000));
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    const after = (await partition(sys, id)).find((i) => i.sk === deferred.sk)!;
    expect(after).toMatchObject({ status: 'sent' });
    expect(after[TableAttr.dueShard]).toBeUndefined();
    expect(sys.bus.deadLetters).toEqual([]);
  }, 120_000);
});

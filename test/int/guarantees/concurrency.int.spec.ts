/**
 * Guarantee: concurrent invocations neither drop a failure nor double a send. The real handlers
 * are invoked directly and at the same moment (Promise.all), as Lambda runs several batches of one
 * queue at once; the local bus does the same for `npm start`.
 */
import { describe, expect, it, vi } from 'vitest';
import { DetailType, ENGAGE_SOURCE } from '../../../shared/platform/contracts/events.js';
import { putRaw } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { invoke, sqsBatch, pinnedFaultySystem, T0, type FaultySystem } from '../../support/faults.js';
import { couponsOf, db, mailable, placed, profile, riskChanged, sendItem, tierChanged } from '../../support/guarantees.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isHoldout } from '../../../shared/campaigns/policy.js';
import { keys } from '../../../shared/platform/table/keys.js';
import { CAMPAIGN_CONTROL } from '../../../shared/platform/table/counters.js';

let sys: FaultySystem;
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

pinnedFaultySystem((s) => (sys = s));

describe('concurrent deliveries', () => {
  it('reports each invocation its own failed records when invocations overlap', async () => {
    for (let round = 0; round < 3; round++) {
      // Given two batches of one queue handled at the same time, one with a malformed record
      const bad = { ...placed(`cc-bad-${round}`, 'o-1', '2026-11-01T10:00:00Z'), messageId: `bad-${round}` };
      (bad.detail as Record<string, unknown>).total = 'abc';
      const a = sqsBatch([bad, placed(`cc-a-${round}`, 'o-1', '2026-11-01T10:00:00Z')]);
      const b = sqsBatch([placed(`cc-b-${round}`, 'o-1', '2026-11-01T10:00:00Z'), placed(`cc-c-${round}`, 'o-1', '2026-11-01T10:00:00Z')]);
      const [ra, rb] = await Promise.all([invoke(sys, 'order-events', a), invoke(sys, 'order-events', b)]);
      // Then the malformed record is reported failed by its own invocation (and only there)
      expect(ra.batchItemFailures, `round ${round}`).toEqual([{ itemIdentifier: `bad-${round}` }]);
      expect(rb.batchItemFailures, `round ${round}`).toEqual([]);
    }
  });

  it('sends one mail with one coupon when the same trigger is delivered five times at once and the reply is lost', async () => {
    const id = mailable('win-back', `dup-${sys.tag}-`);
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    sys.ses.next({ kind: 'reset-after-accept' });
    const e = riskChanged(id, T0);
    await Promise.all(Array.from({ length: 5 }, () => invoke(sys, 'campaign-dispatch', sqsBatch([e]))));
    // (the queue redelivers whatever failed, twice)
    await putRaw(sys, [e, e]);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    expect(await couponsOf(sys, id)).toHaveLength(1);
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'unknown' });
  });

  it('records one hold-out, counted once, when the same trigger is delivered five times at once (the decision is written by the create that claims it)', async () => {
    let id = '';
    for (let i = 0; !id; i++) if (isHoldout('win-back', `ho-${sys.tag}-${i}`, 10)) id = `ho-${sys.tag}-${i}`;
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    const e = riskChanged(id, T0);
    await Promise.all(Array.from({ length: 5 }, () => invoke(sys, 'campaign-dispatch', sqsBatch([e]))));
    await putRaw(sys, [e]);
    expect(await sys.stores.sends.listSends(id)).toEqual([expect.objectContaining({ campaignId: 'win-back', status: 'control', reason: 'holdout' })]);
    const day = await db(sys).send(new GetCommand({ TableName: sys.tableName, Key: keys.kpiDay(T0.toISOString().slice(0, 10), keys.kpiShardOf(id)), ConsistentRead: true }));
    expect(day.Item?.[`${CAMPAIGN_CONTROL}win-back`]).toBe(1);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
  });

  it('keeps a deferral that two overlapping due runs deliver at once while SES throttles, and sends it once', async () => {
    const id = mailable('win-back', `due-${sys.tag}-`);
    // Given a win-back deferred by quiet hours (02:00 in Los Angeles)
    await putRaw(sys, [profile(id, { timeZone: 'America/Los_Angeles' }), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    await putRaw(sys, [riskChanged(id, T0)]);
    const deferred = await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01');
    expect(deferred).toMatchObject({ status: 'deferred', reason: 'quiet-hours' });
    // When its due event is delivered twice at the same moment and SES throttles the winner
    vi.setSystemTime(at(6 * 60 + 5)); // 08:05 in Los Angeles
    sys.ses.next({ kind: 'throttle' }, { kind: 'throttle' }, { kind: 'throttle' });
    const due = {
      source: ENGAGE_SOURCE,
      detailType: DetailType.CampaignSendDue,
      detail: { customerId: id, campaignId: 'win-back', occurrence: 'at-risk:2026-09-01', dueAt: deferred!.dueAt, trigger: deferred!.trigger },
    };
    await Promise.all([invoke(sys, 'campaign-dispatch', sqsBatch([due])), invoke(sys, 'campaign-dispatch', sqsBatch([due]))]);
    // (and the queue redelivers whatever failed)
    await putRaw(sys, [due]);
    // Then the send still exists, waiting for its retry
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'deferred' });
    // and goes out once when the due job next runs
    sys.ses.clear();
    vi.setSystemTime(at(9 * 60));
    await sys.runScheduled('dispatch-due', at(9 * 60));
    await sys.runScheduled('dispatch-due', at(9 * 60 + 15));
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
  });

  it('lets one of two marketing campaigns triggered at the same moment through, and defers the other by the cap', async () => {
    const id = mailable('win-back', `two-${sys.tag}-`);
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    await Promise.all([invoke(sys, 'campaign-dispatch', sqsBatch([riskChanged(id, T0)])), invoke(sys, 'campaign-dispatch', sqsBatch([tierChanged(id, T0)]))]);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    const outcomes = [await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01'), await sendItem(sys, id, 'vip-thank-you', `tier#placed#${id}`)].map((r) => r?.status).sort();
    expect(outcomes).toEqual(['deferred', 'sent']);
  });
});

/**
 * Flows through the real handlers and emulators (bus → campaign-dispatch → DynamoDB Local → SES
 * emulator; waits in the due index, woken by the real dispatch-due job): the shipped abandoned
 * checkout, welcome series and post-purchase flows, with duplicate and racing events, an exit goal
 * reached during a wait, and an unsubscribe during a wait.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { COUPON_CODE, mailTo, unsubscribeLink } from '../support/mail.js';
import { checkoutEvent, fulfilledEvent, orderEvent, profileEvent } from '../support/events.js';

const NOW = new Date('2026-11-20T10:00:00Z'); // 10:00 in London: outside quiet hours
const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const checkout = (customerId: string, checkoutId: string, occurredAt = NOW.toISOString()) => checkoutEvent(customerId, checkoutId, occurredAt);

beforeAll(() => void vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true }));
afterAll(() => void vi.useRealTimers());

let sys: TestSystem;
beforeAll(async () => {
  vi.setSystemTime(NOW);
  sys = await systemForTest({}, { campaignsDir: 'campaigns' });
});
afterAll(() => sys?.close());
afterEach(() => void vi.setSystemTime(NOW));

/** Moves the wall clock and runs the 15-minute due job then. */
async function dueJobAt(t: Date) {
  vi.setSystemTime(t);
  await sys.runScheduled('dispatch-due', t);
  await sys.bus.idle();
}

const subjects = async (id: string) => (await mailTo(`${id}@example.com`)).map((m) => m.subject);

describe('abandoned checkout', () => {
  it('reminds after an hour with the cart lines, then sends a single-use coupon after 24 hours; a repeated checkout event enters once', async () => {
    const id = `ac1-${sys.tag}`;
    await putRaw(sys, [profileEvent(id, { occurredAt: '2026-01-01T00:00:00Z' }), checkout(id, 'k1'), checkout(id, 'k1')]);
    const [entry] = await sys.stores.flows.listEntries(id);
    // Entered waiting by the one write that entered it (version 0: no save after it)
    expect(entry).toMatchObject({ flowId: 'abandoned-checkout', status: 'waiting', at: 'idle-1h', v: 0 });
    expect(Date.parse(entry!.until!) - at(1).getTime()).toBeLessThan(60_000);
    expect(await subjects(id)).toEqual([]);
    // Before the hour is up the due job leaves it alone
    await dueJobAt(at(0.75));
    expect(await subjects(id)).toEqual([]);
    await dueJobAt(at(1.05));
    const [reminder] = await mailTo(`${id}@example.com`);
    expect(reminder?.subject).toBe('You left something in your basket');
    expect(reminder?.body?.text).toContain('Longjing green tea × 1');
    expect(reminder?.body?.text).toContain('Celadon cup × 2');
    expect(reminder?.body?.html).toContain('https://shop.example.com/checkout/recover/k');
    // The due job runs again (and again) before the next wait is over: nothing more
    await dueJobAt(at(2));
    await dueJobAt(at(2.1));
    expect(await subjects(id)).toHaveLength(1);
    await dueJobAt(at(24.2));
    const mails = await mailTo(`${id}@example.com`);
    expect(mails.map((m) => m.subject)).toEqual(['You left something in your basket', '10% off the basket you left']);
    expect(mails[1]?.body?.text).toMatch(COUPON_CODE);
    expect(await sys.stores.flows.getEntry(id, 'abandoned-checkout', 'checkout:k1')).toMatchObject({ status: 'done', path: ['reminder', 'coupon'] });
    // The flow's counters: entered once, each step sent once
    expect(await sys.stores.flows.counters('abandoned-checkout')).toMatchObject({ entered: 1, 'sent:reminder': 1, 'sent:coupon': 1, done: 1 });
  });

  it('exits without a mail when the customer orders during the wait', async () => {
    const id = `ac2-${sys.tag}`;
    await putRaw(sys, [profileEvent(id), checkout(id, 'k2')]);
    vi.setSystemTime(at(0.5));
    await putRaw(sys, [orderEvent(id, `o-${id}`, at(0.5).toISOString(), 218)]);
    await dueJobAt(at(1.1));
    await dueJobAt(at(25));
    expect(await subjects(id)).not.toContain('You left something in your basket');
    expect(await sys.stores.flows.getEntry(id, 'abandoned-checkout', 'checkout:k2')).toMatchObject({ status: 'exited', exitReason: 'ordered' });
  });

  it('exits when the customer unsubscribes during a wait', async () => {
    const id = `ac3-${sys.tag}`;
    await putRaw(sys, [profileEvent(id), checkout(id, 'k3')]);
    await dueJobAt(at(1.1));
    const [reminder] = await mailTo(`${id}@example.com`);
    const { url } = await unsubscribeLink(reminder!.messageId);
    expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    await dueJobAt(at(24.2));
    expect(await subjects(id)).toEqual(['You left something in your basket']);
    expect(await sys.stores.flows.getEntry(id, 'abandoned-checkout', 'checkout:k3')).toMatchObject({ status: 'exited', exitReason: 'unsubscribed' });
  });
});

describe('welcome series', () => {
  it('thanks a first order, tells the story two days later, and stops when the customer orders again', async () => {
    const id = `ws1-${sys.tag}`;
    await putRaw(sys, [profileEvent(id), orderEvent(id, `o1-${id}`, NOW.toISOString())]);
    expect(await subjects(id)).toEqual(['Welcome to Engage Demo Shop, Ada Lovelace']);
    // a redelivered first order enters nothing twice
    await putRaw(sys, [orderEvent(id, `o1-${id}`, NOW.toISOString())]);
    expect(await subjects(id)).toHaveLength(1);
    const entry = await sys.stores.flows.getEntry(id, 'welcome-series', 'once');
    expect(entry).toMatchObject({ status: 'waiting', at: 'pause-2d', until: '2026-11-22T10:00:00.000Z' });
    await dueJobAt(new Date('2026-11-22T10:05:00Z'));
    expect(await subjects(id)).toEqual(['Welcome to Engage Demo Shop, Ada Lovelace', 'How we choose our teas']);
    // Given a second order during the 5-day wait, when the wait is over, then no offer
    vi.setSystemTime(new Date('2026-11-23T09:00:00Z'));
    await putRaw(sys, [orderEvent(id, `o2-${id}`, '2026-11-23T09:00:00Z')]);
    await dueJobAt(new Date('2026-11-28T10:05:00Z'));
    expect(await subjects(id)).not.toContain('10% off your second order');
    expect(await sys.stores.flows.getEntry(id, 'welcome-series', 'once')).toMatchObject({ status: 'exited', exitReason: 'ordered' });
  });
});

describe('post-purchase: waiting for the delivery', () => {
  it('resumes exactly once when the delivery event arrives twice at the moment its timeout falls due', async () => {
    const id = `pp1-${sys.tag}`;
    // A repeat buyer (an earlier order long ago), ordering now
    await putRaw(sys, [profileEvent(id), orderEvent(id, `o0-${id}`, '2026-06-01T10:00:00Z')]);
    await putRaw(sys, [orderEvent(id, `o1-${id}`, NOW.toISOString())]);
    expect(await subjects(id)).toEqual([`Thank you for your order o1-${id}`]);
    const entry = await sys.stores.flows.getEntry(id, 'post-purchase', `order:o1-${id}`);
    expect(entry).toMatchObject({ status: 'waiting', at: 'delivered', waitingFor: { type: 'order-delivered' } });
    // The delivery (twice) and the timeout's due job, all at once
    const timeout = new Date(Date.parse(entry!.until!) + 60_000);
    vi.setSystemTime(timeout);
    const delivered = fulfilledEvent(id, `o1-${id}`, new Date(Date.parse(entry!.until!) - 86_400_000).toISOString());
    await Promise.all([putRaw(sys, [delivered, delivered]), sys.runScheduled('dispatch-due', timeout)]);
    await sys.bus.idle();
    const after = (await sys.stores.flows.getEntry(id, 'post-purchase', `order:o1-${id}`))!;
    // One branch was taken, once: the delivery (now waiting 14 days) or the timeout (done)
    const byDelivery = after.status === 'waiting' && after.at === 'after-delivery';
    const byTimeout = after.status === 'done' && after.at === 'end';
    expect(byDelivery !== byTimeout).toBe(true);
    // and the other wake-ups found it moved: the survey and the cross-sell go out at most once, only on
    // the delivery branch (the waits run from when the delivery was processed)
    const surveyAt = new Date(Date.parse(after.until ?? '2027-02-01T00:00:00Z') + 5 * 60_000);
    await dueJobAt(surveyAt);
    const crossSellAt = new Date(Date.parse((await sys.stores.flows.getEntry(id, 'post-purchase', `order:o1-${id}`))!.until ?? '2027-03-01T00:00:00Z') + 5 * 60_000);
    await dueJobAt(crossSellAt);
    await dueJobAt(new Date(crossSellAt.getTime() + 15 * 60_000));
    const mails = await subjects(id);
    expect(mails.filter((s) => s === 'Something to go with your last order')).toHaveLength(byDelivery ? 1 : 0);
    expect(mails.filter((s) => s === 'How was your order, Ada Lovelace?')).toHaveLength(byDelivery ? 1 : 0);
  });

  it('takes the delivery branch when the delivery comes first: the survey 72 hours later, the cross-sell two weeks later', async () => {
    const id = `pp2-${sys.tag}`;
    await putRaw(sys, [profileEvent(id), orderEvent(id, `o0-${id}`, '2026-06-01T10:00:00Z')]);
    await putRaw(sys, [orderEvent(id, `o1-${id}`, NOW.toISOString())]);
    vi.setSystemTime(at(48));
    await putRaw(sys, [fulfilledEvent(id, `o1-${id}`, at(48).toISOString()), fulfilledEvent(id, `o1-${id}`, at(48).toISOString())]);
    expect(await sys.stores.flows.getEntry(id, 'post-purchase', `order:o1-${id}`)).toMatchObject({ status: 'waiting', at: 'after-delivery' });
    // 72 hours after the delivery the survey asks how it went (once: the single-shot survey is for first orders)
    await dueJobAt(at(48 + 72 + 0.1));
    expect((await subjects(id)).filter((s) => s === 'How was your order, Ada Lovelace?')).toHaveLength(1);
    // and two weeks after the delivery, at 10:00, the cross-sell
    await dueJobAt(new Date('2026-12-06T10:05:00Z'));
    expect(await subjects(id)).toContain('Something to go with your last order');
  });
});

describe('win-back, second step: an A/B split with an automatic winner', () => {
  const risk = (customerId: string, to: 'at-risk' | 'churned', occurredAt: string) => ({
    source: 'engage.core',
    detailType: DetailType.CustomerRiskChanged,
    detail: { customerId, from: to === 'churned' ? 'at-risk' : 'active', to, method: 'rule', daysSinceLastOrder: to === 'churned' ? 200 : 80, lastOrderDay: '2026-05-01', runKey: `run-${occurredAt}`, occurredAt },
  });

  it('keeps a customer\'s variant, and gives new entrants the winner once the counters show one', async () => {
    const first = `ab1-${sys.tag}`;
    await putRaw(sys, [profileEvent(first), orderEvent(first, `o-${first}`, '2026-05-01T10:00:00Z')]);
    await putRaw(sys, [risk(first, 'at-risk', NOW.toISOString())]);
    expect(await sys.stores.flows.getEntry(first, 'win-back-churned', 'at-risk:2026-05-01')).toMatchObject({ status: 'waiting', at: 'until-churned', waitingFor: { type: 'risk-entered', level: 'churned' } });
    vi.setSystemTime(at(24 * 30));
    await putRaw(sys, [risk(first, 'churned', at(24 * 30).toISOString()), risk(first, 'churned', at(24 * 30).toISOString())]);
    const assigned = (await sys.stores.flows.getEntry(first, 'win-back-churned', 'at-risk:2026-05-01'))!;
    expect(assigned.status).toBe('done');
    const variant = assigned.variants!['offer-size']!;
    expect(['twenty', 'thirty']).toContain(variant);
    // Given the counters now show the other variant converting far better (≥ 100 recipients each)
    const winner = variant === 'twenty' ? 'thirty' : 'twenty';
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('../../shared/platform/table/dynamodb.js');
    const { keys } = await import('../../shared/platform/table/keys.js');
    await documentClient(sys.dynamodb).send(new PutCommand({ TableName: sys.tableName, Item: { ...keys.flowKpi('win-back-churned', 15), [`ab:offer-size:${winner}:n`]: 300, [`ab:offer-size:${winner}:won`]: 60, [`ab:offer-size:${variant}:n`]: 300, [`ab:offer-size:${variant}:won`]: 15 } }));
    // When new customers reach the split (after the counters' one-minute cache)
    vi.setSystemTime(at(24 * 30 + 1));
    const later = Array.from({ length: 6 }, (_, i) => `ab${i + 2}-${sys.tag}`);
    for (const id of later) await putRaw(sys, [profileEvent(id), orderEvent(id, `o-${id}`, '2026-05-01T10:00:00Z')]);
    await putRaw(sys, later.map((id) => risk(id, 'at-risk', at(24 * 30 + 1).toISOString())));
    // (the next sweep finds them churned)
    vi.setSystemTime(at(24 * 31));
    await putRaw(sys, later.map((id) => risk(id, 'churned', at(24 * 31).toISOString())));
    // Then every one of them gets the winner, and the first customer keeps theirs
    for (const id of later) expect((await sys.stores.flows.getEntry(id, 'win-back-churned', 'at-risk:2026-05-01'))?.variants).toEqual({ 'offer-size': winner });
    expect((await sys.stores.flows.getEntry(first, 'win-back-churned', 'at-risk:2026-05-01'))?.variants).toEqual({ 'offer-size': variant });
  });

  it('counts an order after the variant\'s offer as its conversion once, though the flow had ended, and none before the split or outside the window', async () => {
    const [buyer, late] = [`abc1-${sys.tag}`, `abc2-${sys.tag}`];
    for (const id of [buyer, late]) await putRaw(sys, [profileEvent(id), orderEvent(id, `o-${id}`, '2026-05-01T10:00:00Z')]);
    await putRaw(sys, [buyer, late].map((id) => risk(id, 'at-risk', NOW.toISOString())));
    vi.setSystemTime(at(24 * 40));
    await putRaw(sys, [buyer, late].map((id) => risk(id, 'churned', at(24 * 40).toISOString())));
    const entry = (id: string) => sys.stores.flows.getEntry(id, 'win-back-churned', 'at-risk:2026-05-01');
    const won = async (variant: string) => (await sys.stores.flows.counters('win-back-churned'))[`ab:offer-size:${variant}:won`] ?? 0;
    const [vb, vl] = [(await entry(buyer))!.variants!['offer-size']!, (await entry(late))!.variants!['offer-size']!];
    expect((await entry(buyer))?.status).toBe('done');
    const before = { [vb]: await won(vb), [vl]: await won(vl) };
    const revenue = async (variant: string) => (await sys.stores.flows.counters('win-back-churned'))[`ab:offer-size:${variant}:rev`] ?? 0;
    const revenueBefore = await revenue(vb);
    // When the buyer orders five days after the offer (the order delivered twice), and again later
    vi.setSystemTime(at(24 * 45));
    const order = orderEvent(buyer, `win-${buyer}`, at(24 * 45 - 1).toISOString(), 120);
    await putRaw(sys, [order, order]);
    vi.setSystemTime(at(24 * 46));
    await putRaw(sys, [orderEvent(buyer, `again-${buyer}`, at(24 * 46 - 1).toISOString(), 80)]);
    // Then the buyer's variant has exactly one conversion more, with its order's 120 for the revenue metric
    expect(await won(vb)).toBe(before[vb]! + 1);
    expect(await revenue(vb)).toBe(revenueBefore + 120);
    expect((await entry(buyer))?.converted).toBe(true);
    // And an order placed the day before the split, delivered late, is no answer to the offer
    const afterBuyer = await won(vl);
    vi.setSystemTime(at(24 * 47));
    await putRaw(sys, [orderEvent(late, `before-${late}`, at(24 * 39).toISOString(), 60)]);
    expect(await won(vl)).toBe(afterBuyer);
    // nor does one 40 days after the offer (the window is 30)
    vi.setSystemTime(at(24 * 80));
    await putRaw(sys, [orderEvent(late, `late-${late}`, at(24 * 80 - 1).toISOString(), 120)]);
    expect(await won(vl)).toBe(afterBuyer);
    expect((await entry(late))?.converted).toBeUndefined();
  });
});

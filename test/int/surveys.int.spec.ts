/**
 * The post-delivery survey loop, end to end: order.fulfilled → survey mail after its delay →
 * a rating link → recorded once → a low score brings the service-recovery mail.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw, systemForTest } from '../support/system.js';
import type { LocalSystem } from '../../local/system.js';
import { mailTo } from '../support/mail.js';
import { fulfilledEvent, orderEvent, profileEvent } from '../support/events.js';
import { localKpiSource } from '../../local/console/index.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let stores: LocalSystem['stores'];
let cid: string;
const DELIVERED = '2026-11-20T08:00:00Z';
const surveyId = () => 'post-delivery-survey:delivered:o-survey-1';


beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(new Date('2026-11-20T10:00:00Z'));
  sys = await systemForTest();
  stores = sys.stores;
  cid = `sv-${sys.tag}`;
  await putRaw(sys, [profileEvent(cid, { name: 'Grace Hopper' }), orderEvent(cid, 'o-survey-1', '2026-11-18T10:00:00Z', 80)]);
  const fulfilled = fulfilledEvent(cid, 'o-survey-1', DELIVERED);
  await putRaw(sys, [fulfilled, fulfilled]);
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('post-delivery survey', () => {
  it('waits for its 72 hours after delivery, recorded as a deferral', async () => {
    expect(await mailTo(`${cid}@example.com`)).toHaveLength(0);
    expect(await stores.sends.listSends(cid)).toEqual([expect.objectContaining({ campaignId: 'post-delivery-survey', status: 'deferred', reason: 'delay', until: '2026-11-23T08:00:00.000Z' })]);
  });

  it('goes out once when due, with one rating link per CSAT score', async () => {
    vi.setSystemTime(new Date('2026-11-23T09:00:00Z'));
    await sys.runScheduled('dispatch-due', new Date('2026-11-23T09:00:00Z'));
    await sys.runScheduled('dispatch-due', new Date('2026-11-23T09:15:00Z'));
    const mails = await mailTo(`${cid}@example.com`);
    expect(mails).toHaveLength(1);
    const links = [...mails[0]!.body!.text!.matchAll(/(http:\/\/127\.0\.0\.1:\d+\/s\/[^\s?]+)\?score=(\d)/g)].map((m) => ({ url: m[1]!, score: Number(m[2]) }));
    expect(links.map((l) => l.score)).toEqual([1, 2, 3, 4, 5]);
    expect((await stores.surveys.getSurvey(cid, surveyId()))?.answer).toBeUndefined();
  });

  it('records the first rating only: a prefetch records nothing, a double click changes nothing, a low score brings service recovery once', async () => {
    const [mail] = await mailTo(`${cid}@example.com`);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/s\/[^\s?]+)\?score=2/.exec(mail!.body!.text!)![1]!;
    // A scanner's GET renders the self-submitting page but records nothing
    const get = await fetch(`${url}?score=2`);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('name="score" value="2"');
    expect((await stores.surveys.getSurvey(cid, surveyId()))?.answer).toBeUndefined();
    // The shopper's browser POSTs it; a double click and a different later score change nothing
    const post = (body: string) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await post('score=2')).status).toBe(200);
    expect((await post('score=2')).status).toBe(200);
    expect((await post('score=5')).status).toBe(200);
    await sys.bus.idle();
    expect((await stores.surveys.getSurvey(cid, surveyId()))?.answer?.score).toBe(2);
    // A comment may follow, once
    await post('comment=The%20box%20was%20crushed');
    await post('comment=second');
    expect((await stores.surveys.getSurvey(cid, surveyId()))?.answer?.comment).toBe('The box was crushed');
    // The low score reached the service-recovery campaign: one transactional mail about that order
    await sys.bus.idle();
    const all = await mailTo(`${cid}@example.com`);
    const recovery = all.filter((m) => m.subject !== mail!.subject);
    expect(recovery).toHaveLength(1);
    expect(recovery[0]!.body!.text).toContain('o-survey-1');
  });

  it('counts the first answer only in the KPIs, and keeps its low-score comment for the report', async () => {
    const k = await localKpiSource(sys).kpis.readKpis({ now: new Date('2026-11-23T12:00:00Z') });
    // Three POSTs of a score and two comments above: one response, the first score
    expect(k.days.find((d) => d.period === '2026-11-23')!.csat).toEqual({ responses: 1, average: 2 });
    expect(k.weeks.at(-1)!.csat).toEqual({ responses: 1, average: 2 });
    expect(k.lowComments).toEqual([expect.objectContaining({ kind: 'csat', score: 2, comment: 'The box was crushed', campaignId: 'post-delivery-survey' })]);
  });

  it('does not survey a delivery that is long past (e.g. replayed history), and writes nothing for it', async () => {
    const before = (await mailTo(`${cid}@example.com`)).length;
    const old = fulfilledEvent(cid, 'o-survey-old', '2026-09-01T08:00:00Z');
    await putRaw(sys, [old]);
    expect((await stores.sends.listSends(cid)).find((r) => r.occurrence === 'delivered:o-survey-old')).toBeUndefined();
    expect(await mailTo(`${cid}@example.com`)).toHaveLength(before);
    expect(sys.bus.deadLetters).toHaveLength(0);
  });

  it('waits for a profile that arrives after the delivery, then surveys as usual', async () => {
    // Given a delivery for a customer Engage has no profile for yet (events arrive out of order)
    const late = `late-${sys.tag}`;
    await putRaw(sys, [fulfilledEvent(late, 'o-late-1', '2026-11-23T07:00:00Z')]);
    expect(await stores.sends.listSends(late)).toEqual([expect.objectContaining({ status: 'deferred', reason: 'no-profile' })]);
    // When the profile arrives and the due job runs after the delay
    await putRaw(sys, [profileEvent(late, { name: 'Ada', occurredAt: '2026-11-23T07:30:00Z' })]);
    vi.setSystemTime(new Date('2026-11-26T09:00:00Z'));
    await sys.runScheduled('dispatch-due', new Date('2026-11-26T09:00:00Z')); // profile found: now waits for the 72 h
    await sys.runScheduled('dispatch-due', new Date('2026-11-26T09:15:00Z'));
    // Then the survey went out once
    expect(await mailTo(`${late}@example.com`)).toHaveLength(1);
  });

  it('rejects a tampered rating link with a generic page and no change', async () => {
    const [mail] = await mailTo(`${cid}@example.com`);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/s\/[^\s?]+)\?score=4/.exec(mail!.body!.text!)![1]!;
    const res = await fetch(url.slice(0, -2) + 'xx', { method: 'POST', body: 'score=4' });
    expect(res.status).toBe(400);
    expect((await stores.surveys.getSurvey(cid, surveyId()))?.answer?.score).toBe(2);
  });
});

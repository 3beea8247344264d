/**
 * Guarantee: no send is duplicated or lost when SES misbehaves. Through the real dispatch and
 * dispatch-due handlers, DynamoDB Local and the SES emulator behind a fault proxy: throttling
 * (definite: nothing was accepted) puts the send back as a deferral with its one coupon; a reply
 * lost or late after SES accepted the mail is recorded `unknown` and never resent; every outcome
 * is a recorded state and a metric.
 */
import { describe, expect, it, vi } from 'vitest';
import { couponHash } from '../../../shared/coupons/code.js';
import { putRaw } from '../../support/system.js';
import { couponCodeIn, mailTo } from '../../support/mail.js';
import { pinnedFaultySystem, T0, type FaultySystem } from '../../support/faults.js';
import { captureOutput, couponsOf, fulfilled, mailable, placed, profile, riskChanged, sendItem, winBackCandidate } from '../../support/guarantees.js';

let sys: FaultySystem;
// 10:00 in London: outside quiet hours.
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

// A short send timeout so a slow SES is a fast test; metrics on, so they can be read.
pinnedFaultySystem((s) => (sys = s), { SES_REQUEST_TIMEOUT_MS: '1000', POWERTOOLS_METRICS_DISABLED: 'false' });

describe('sending under SES faults', () => {
  it('puts a throttled deferral back in the due index and sends it once when it is due again', async () => {
    // Given a post-delivery survey deferred by its 72 h delay
    const id = mailable('post-delivery-survey', `sv-${sys.tag}-`, 0);
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-11-20T08:00:00Z')]);
    await putRaw(sys, [fulfilled(id, `${id}-o1`, '2026-11-20T09:00:00Z')]);
    const occurrence = `delivered:${id}-o1`;
    expect(await sendItem(sys, id, 'post-delivery-survey', occurrence)).toMatchObject({ status: 'deferred', reason: 'delay' });
    // When it falls due and SES throttles every attempt of that run
    const due = new Date('2026-11-23T09:05:00Z');
    vi.setSystemTime(due);
    sys.ses.next(...Array.from({ length: 8 }, () => ({ kind: 'throttle' as const })));
    await sys.runScheduled('dispatch-due', due);
    // Then nothing was sent, and the send is deferred again with a due time, not deleted
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    const retry = await sendItem(sys, id, 'post-delivery-survey', occurrence);
    expect(retry).toMatchObject({ status: 'deferred', reason: expect.stringMatching(/TooManyRequests/), dueAt: expect.any(String) });
    expect(Date.parse(retry!.dueAt as string)).toBeGreaterThan(due.getTime());
    // When SES recovers and the due job runs after that time
    sys.ses.clear();
    const later = at(new Date(retry!.dueAt as string), 1);
    vi.setSystemTime(later);
    await sys.runScheduled('dispatch-due', later);
    await sys.runScheduled('dispatch-due', at(later, 15));
    // Then the survey goes out exactly once
    const mails = await mailTo(`${id}@example.com`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body!.text).toContain('/s/');
    expect(await sendItem(sys, id, 'post-delivery-survey', occurrence)).toMatchObject({ status: 'sent' });
    expect(sys.bus.deadLetters).toEqual([]);
  });

  it('keeps one coupon per send across a throttled attempt and its retry', async () => {
    const id = await winBackCandidate(sys, 'cp');
    // Given SES throttles the first attempt (each SDK retry included)
    sys.ses.next({ kind: 'throttle' }, { kind: 'throttle' }, { kind: 'throttle' });
    await putRaw(sys, [riskChanged(id, T0)]);
    // When the retry goes out
    const later = at(T0, 120);
    vi.setSystemTime(later);
    await sys.runScheduled('dispatch-due', later);
    // Then one mail, and the one coupon that exists is the one in it
    const mails = await mailTo(`${id}@example.com`);
    expect(mails).toHaveLength(1);
    const code = couponCodeIn(mails[0]!.body!.text);
    const coupons = await couponsOf(sys, id);
    expect(coupons.map((c) => (c.coupon as { codeHash: string }).codeHash)).toEqual([couponHash(code)]);
  });

  it('records a send whose reply was lost after SES accepted it as unknown, and never sends it again', async () => {
    const id = await winBackCandidate(sys, 'rs');
    const output = captureOutput();
    try {
      // Given SES stores the mail but the connection drops before the reply
      sys.ses.next({ kind: 'reset-after-accept' });
      await putRaw(sys, [riskChanged(id, T0)]);
    } finally {
      output.restore();
    }
    // Then exactly one mail exists, and the send says it is unknown whether it went out
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    const item = await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01');
    expect(item).toMatchObject({ status: 'unknown', reason: expect.any(String) });
    expect(output.metrics()).toContainEqual(expect.objectContaining({ name: 'MailUnknown', dimensions: expect.objectContaining({ campaign: 'win-back' }) }));
    // When the trigger is redelivered and the due job runs later
    await putRaw(sys, [riskChanged(id, T0)]);
    vi.setSystemTime(at(T0, 60));
    await sys.runScheduled('dispatch-due', at(T0, 60));
    // Then nothing is sent again
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
  });

  it('records a send whose reply came later than the send timeout as unknown, and never sends it again', async () => {
    const id = await winBackCandidate(sys, 'sl');
    // Given SES accepts the mail but answers after 2.5 s (the timeout is 1 s)
    sys.ses.next({ kind: 'slow', ms: 2500 });
    await putRaw(sys, [riskChanged(id, T0)]);
    await new Promise((ok) => setTimeout(ok, 2000));
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'unknown' });
    vi.setSystemTime(at(T0, 60));
    await sys.runScheduled('dispatch-due', at(T0, 60));
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
  });

  it('records every outcome as a state with its reason and due time, counts it as a metric, and expires final ones', async () => {
    const rejected = await winBackCandidate(sys, 'rj');
    const sent = await winBackCandidate(sys, 'ok');
    const noConsent = mailable('win-back', `nc-${sys.tag}-`);
    await putRaw(sys, [profile(noConsent, { consent: false }), placed(noConsent, `${noConsent}-o1`, '2026-09-01T10:00:00Z')]);
    const quiet = mailable('win-back', `qh-${sys.tag}-`);
    await putRaw(sys, [profile(quiet, { timeZone: 'America/Los_Angeles' }), placed(quiet, `${quiet}-o1`, '2026-09-01T10:00:00Z')]);
    const output = captureOutput();
    try {
      // A permanent rejection, a send, a skip and a quiet-hours deferral
      sys.ses.next({ kind: 'reject' });
      await putRaw(sys, [riskChanged(rejected, T0)]);
      await putRaw(sys, [riskChanged(sent, T0), riskChanged(noConsent, T0), riskChanged(quiet, T0)]);
    } finally {
      output.restore();
    }
    const occurrence = 'at-risk:2026-09-01';
    const items = {
      rejected: await sendItem(sys, rejected, 'win-back', occurrence),
      sent: await sendItem(sys, sent, 'win-back', occurrence),
      skipped: await sendItem(sys, noConsent, 'win-back', occurrence),
      deferred: await sendItem(sys, quiet, 'win-back', occurrence),
    };
    expect(items.rejected).toMatchObject({ status: 'failed', reason: 'MessageRejected' });
    expect(items.sent).toMatchObject({ status: 'sent', messageId: expect.any(String) });
    expect(items.skipped).toMatchObject({ status: 'skipped', reason: 'no-consent' });
    expect(items.deferred).toMatchObject({ status: 'deferred', reason: 'quiet-hours', until: '2026-11-20T16:00:00.000Z', dueAt: '2026-11-20T16:00:00.000Z' });
    // Final records expire after 400 days (the TTL attribute); a pending deferral does not.
    for (const final of [items.rejected, items.sent, items.skipped]) {
      expect(Number(final!.expiresAt) - Date.parse(final!.at as string) / 1000).toBeCloseTo(400 * 86_400, -3);
    }
    expect(items.deferred!.expiresAt).toBeUndefined();
    const metrics = output.metrics().filter((m) => m.dimensions.campaign === 'win-back');
    expect(metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'MailFailed', dimensions: expect.objectContaining({ reason: 'MessageRejected' }) }),
        expect.objectContaining({ name: 'MailSent' }),
        expect.objectContaining({ name: 'MailSkipped', dimensions: expect.objectContaining({ reason: 'no-consent' }) }),
        expect.objectContaining({ name: 'MailDeferred', dimensions: expect.objectContaining({ reason: 'quiet-hours' }) }),
      ]),
    );
  });
});

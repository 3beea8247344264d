/**
 * Guarantee: logs and message tags never carry what must stay private, and ids survive the round
 * trip through SES. No address, link token or coupon code reaches a log line, even when an
 * operator switches Powertools' event logging on; SES message tags only use the characters SES
 * accepts and still lead a bounce back to the right customer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw } from '../../support/system.js';
import { couponCodeIn, mailTo } from '../../support/mail.js';
import { systemWithFaults, type FaultySystem } from '../../support/faults.js';
import { captureOutput, mailable, placed, profile, riskChanged, unsubscribeUrl } from '../../support/guarantees.js';

// Before any module builds its logger: an operator has turned event logging on for debugging.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
});

let sys: FaultySystem;
const T0 = new Date('2026-11-20T10:00:00Z');

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(T0);
  sys = await systemWithFaults({ POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
});
afterAll(async () => {
  await sys?.close();
  delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
  vi.useRealTimers();
});

describe('what logs and tags carry', () => {
  it('logs no address, link token or coupon code, even with event logging on', async () => {
    const id = mailable('win-back', `lg-${sys.tag}-`);
    const email = `private.person.${sys.tag}@example.com`;
    const output = captureOutput();
    let token = '';
    try {
      await putRaw(sys, [profile(id, { email }), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
      await putRaw(sys, [riskChanged(id, T0)]);
      const url = unsubscribeUrl(sys, id);
      token = url.slice(url.lastIndexOf('/') + 1);
      // the link as mail scanners and clients use it, and malformed variants of it
      await fetch(url);
      for (const path of [`/u/${token}!`, `/${token}`, `/s/${token}/x`, `/u/${token}/`]) await fetch(`${sys.linksUrl}${path}`, { method: 'POST', body: 'x=1' });
      await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    } finally {
      output.restore();
    }
    const [mail] = await mailTo(email);
    const code = couponCodeIn(mail?.body?.text);
    expect((await sys.stores.customers.getCustomer(id))?.suppressed).toBe(true);
    // Something was logged (the capture works), but none of the secrets
    expect(output.lines.length).toBeGreaterThan(0);
    const logged = output.lines.join('\n');
    const signature = token.split('.').pop()!;
    for (const secret of [email, email.toLowerCase(), signature, code]) expect(logged, secret).not.toContain(secret);
  });

  it('tags mail with values SES accepts that bring a bounce back to the customer', async () => {
    // An id with characters the contract allows but SES tags do not (":" and ".")
    const id = mailable('win-back', `shop:42.${sys.tag}.`);
    const email = `tags-${sys.tag}@example.com`;
    await putRaw(sys, [profile(id, { email }), placed(id, 'o-1', '2026-09-01T10:00:00Z')]);
    await putRaw(sys, [riskChanged(id, T0)]);
    expect(await mailTo(email)).toHaveLength(1);
    const request = sys.ses.sendRequests.find((r) => JSON.stringify(r).includes(email))!;
    const tags = request.EmailTags as Array<{ Name: string; Value: string }>;
    for (const t of tags) {
      expect(t.Name).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(t.Value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    }
    // When SES reports a permanent bounce with those tags, the customer is suppressed
    await putRaw(sys, [
      {
        source: 'aws.ses',
        detailType: 'Email Bounced',
        detail: { eventType: 'Bounce', bounce: { bounceType: 'Permanent' }, mail: { messageId: 'm-1', tags: Object.fromEntries(tags.map((t) => [t.Name, [t.Value]])) } },
      },
    ]);
    expect((await sys.stores.customers.getCustomer(id))?.suppressed).toBe(true);
  });
});

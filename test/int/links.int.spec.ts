/**
 * The shopper links (Function URL) through the real links handler: RFC 8058 one-click unsubscribe
 * from a real win-back mail's List-Unsubscribe header.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { mailTo, unsubscribeLink } from '../support/mail.js';
import { driftingShopper, mailable, NOW } from '../support/win-back.js';
import { localKpiSource } from '../../local/console/index.js';

let sys: TestSystem;
let en: string;

beforeAll(async () => {
  // Dispatch judges quiet hours and caps at the real send moment: pin the wall clock (Date only).
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  sys = await systemForTest();
  en = mailable(`en-${sys.tag}-`);
  // Given a win-back mail (10:00 in London)
  await putRaw(sys, driftingShopper(en));
  await sys.sweep(NOW);
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('one-click unsubscribe', () => {
  it('honours RFC 8058 one-click unsubscribe: GET changes nothing, POST suppresses, forged tokens do nothing', async () => {
    const { stores } = sys;
    // Given the win-back mail's List-Unsubscribe header
    const [mail] = await mailTo(`${en}@example.com`);
    const { eml, url } = await unsubscribeLink(mail!.messageId);
    expect(eml).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    expect(url.startsWith(sys.linksUrl)).toBe(true);
    // When a mail scanner prefetches it, nothing changes
    expect((await fetch(url)).status).toBe(200);
    expect((await stores.customers.getCustomer(en))?.suppressed).toBeUndefined();
    // A tampered or cross-purpose token is refused with a generic page and no change
    const tampered = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(tampered, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(400);
    expect((await stores.customers.getCustomer(en))?.suppressed).toBeUndefined();
    // When the mail client POSTs (no cookies, no auth), the address is suppressed, without a redirect
    const res = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
    expect(res.status).toBe(200);
    expect((await stores.customers.getCustomer(en))?.suppressed).toBe(true);
  });

  it('counts the unsubscribe once for the campaign whose link it was', async () => {
    const [mail] = await mailTo(`${en}@example.com`);
    const { url } = await unsubscribeLink(mail!.messageId);
    // The client (or the shopper) posts again: suppressed already, counted already
    await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
    const k = await localKpiSource(sys).kpis.readKpis({ now: new Date() });
    expect(k.campaigns.find((c) => c.campaignId === 'win-back')).toMatchObject({ sent: 1, unsubscribed: 1 });
  });
});

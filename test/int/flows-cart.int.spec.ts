/**
 * A cart-abandoned flow through the real handlers: a later update of the cart starts its idle
 * time again and the reminder shows the new lines; an older update arriving late changes nothing;
 * an emptied cart ends the entry without a mail.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { mailTo } from '../support/mail.js';
import { profileEvent } from '../support/events.js';

const NOW = new Date('2026-11-20T10:00:00Z'); // 10:00 in London: outside quiet hours
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const FLOW = `id: cart-reminder
name: Cart reminder
kind: marketing
trigger: { type: cart-abandoned, idleMinutes: 60 }
exit: { orderedSinceEntry: true }
fallbackLocale: en
steps:
  - id: reminder
    type: send
    templates:
      en:
        subject: "Still thinking about it?"
        mjml: |
          <mjml><mj-body><mj-section><mj-column>
            <mj-text>{% for line in cart.lines %}{{ line.title }} x{{ line.quantity }}; {% endfor %}</mj-text>
            <mj-text>{{ shop.address }} <a href="{{ links.unsubscribe }}">Unsubscribe</a></mj-text>
          </mj-column></mj-section></mj-body></mjml>
        text: |
          {% for line in cart.lines %}{{ line.title }} x{{ line.quantity }}; {% endfor %}
          {{ shop.address }} Unsubscribe: {{ links.unsubscribe }}
`;

const cart = (customerId: string, occurredAt: Date, lines: Array<{ title: string; quantity: number }>) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CartUpdated,
  detail: {
    cartId: `cart-${customerId}`,
    customerId,
    lines: lines.map((l, i) => ({ sku: `SKU-${i}`, title: l.title, price: 20, quantity: l.quantity })),
    total: lines.reduce((s, l) => s + 20 * l.quantity, 0),
    currency: 'CNY',
    occurredAt: occurredAt.toISOString(),
  },
});

let sys: TestSystem;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  const dir = mkdtempSync(join(tmpdir(), 'engage-cart-flow-'));
  writeFileSync(join(dir, 'cart-reminder.yaml'), FLOW);
  sys = await systemForTest({}, { campaignsDir: dir });
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});
afterEach(() => void vi.setSystemTime(NOW));

async function dueJobAt(t: Date) {
  vi.setSystemTime(t);
  await sys.runScheduled('dispatch-due', t);
  await sys.bus.idle();
}
const entry = (id: string) => sys.stores.flows.getEntry(id, 'cart-reminder', `cart:cart-${id}`);

describe('cart-abandoned flows', () => {
  it('start the idle time again on a later update and remind of its lines; a late older update changes nothing', async () => {
    const id = `cart1-${sys.tag}`;
    await putRaw(sys, [profileEvent(id), cart(id, NOW, [{ title: 'Tea', quantity: 1 }])]);
    // 40 minutes later the shopper adds a cup; then the first update is delivered again, late
    vi.setSystemTime(at(40));
    await putRaw(sys, [cart(id, at(40), [{ title: 'Tea', quantity: 1 }, { title: 'Cup', quantity: 2 }])]);
    await putRaw(sys, [cart(id, NOW, [{ title: 'Tea', quantity: 1 }])]);
    await sys.bus.idle();
    expect((await entry(id))?.until).toBe(at(100).toISOString());
    // Then an hour after the first update nothing goes out: the cart is not idle yet
    await dueJobAt(at(65));
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    // An hour after the last update the reminder shows the cart as it is now
    await dueJobAt(at(105));
    const mails = await mailTo(`${id}@example.com`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body?.text).toContain('Tea x1; Cup x2;');
  });

  it('end without a mail when the cart is emptied', async () => {
    const id = `cart2-${sys.tag}`;
    await putRaw(sys, [profileEvent(id), cart(id, NOW, [{ title: 'Tea', quantity: 1 }])]);
    vi.setSystemTime(at(20));
    await putRaw(sys, [cart(id, at(20), [])]);
    await sys.bus.idle();
    expect(await entry(id)).toMatchObject({ status: 'exited', exitReason: 'cart-emptied' });
    await dueJobAt(at(90));
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    expect((await sys.stores.flows.counters('cart-reminder'))['exit:cart-emptied']).toBe(1);
  });
});

/** receiveWebhook: claim the delivery, publish once, release on failure so the retry succeeds. */
import { describe, expect, it } from 'vitest';
import { ownerExpiry, receiveWebhook, WEBHOOK_DEDUPE, type WebhookDeps } from '../../../shared/webhooks/receive.js';
import { REDELIVERY_DAYS } from '../../../shared/platform/open-window.js';
import { memoryDedupe, memoryOwners, recordingPublisher } from './memory.js';
import { config, fixture, NOW, signedRequest } from './support.js';

function system({ failures = 0, at = NOW } = {}) {
  const clock = { now: at };
  const deps = {
    config,
    dedupe: memoryDedupe(),
    orderOwners: memoryOwners(),
    publisher: recordingPublisher(failures),
    clock: () => clock.now,
  } satisfies WebhookDeps;
  return { deps, clock };
}

const order = () => signedRequest('shopify', fixture('shopify', 'orders-create'));

describe('receiveWebhook', () => {
  it('publishes a valid delivery and remembers who placed the order', async () => {
    const { deps } = system();
    const outcome = await receiveWebhook(deps, order());
    expect(outcome).toMatchObject({ response: { status: 200, body: { status: 'accepted', events: 1 } }, published: 1 });
    expect(deps.publisher.published.map((e) => e.detailType)).toEqual(['order.placed']);
    expect(deps.orderOwners.owners.get('shopify:6021775573095')).toBe('shopify:7412963258471');
    expect([...deps.dedupe.records.values()]).toEqual([{ state: 'done', at: NOW.getTime() }]);
  });

  it('publishes a redelivered webhook id once and answers the repeat 200 duplicate', async () => {
    const { deps } = system();
    await receiveWebhook(deps, order());
    const again = await receiveWebhook(deps, order());
    expect(again).toMatchObject({ response: { status: 200, body: { status: 'duplicate' } }, published: 0 });
    expect(deps.publisher.published).toHaveLength(1);
  });

  it('releases the claim when publishing fails, so the platform\'s retry publishes', async () => {
    const { deps } = system({ failures: 1 });
    const failed = await receiveWebhook(deps, order());
    expect(failed.response).toEqual({ status: 503, body: { status: 'retry-later', reason: 'publishing failed' } });
    expect(failed.logs[0]).toMatchObject({ level: 'error', reason: expect.stringContaining('ThrottlingException') });
    expect(deps.dedupe.records.size).toBe(0);
    const retry = await receiveWebhook(deps, order());
    expect(retry.response.status).toBe(200);
    expect(deps.publisher.published).toHaveLength(1);
  });

  it('answers 503 to a retry that overtakes an attempt still publishing, and takes over a lapsed claim', async () => {
    const { deps, clock } = system();
    await deps.dedupe.claim('shopify:lotus-tea.myshopify.com:3f7c1a52-8e4b-4d0e-9a61-5b2c7d9e0f14', NOW);
    const overtaking = await receiveWebhook(deps, order());
    expect(overtaking.response).toEqual({ status: 503, body: { status: 'retry-later', reason: 'delivery in progress' } });
    expect(deps.publisher.published).toHaveLength(0);
    clock.now = new Date(NOW.getTime() + WEBHOOK_DEDUPE.leaseSeconds * 1000);
    expect((await receiveWebhook(deps, order())).published).toBe(1);
  });

  it('still answers 200 when the claim cannot be completed after publishing', async () => {
    const { deps } = system();
    deps.dedupe.complete = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const outcome = await receiveWebhook(deps, order());
    expect(outcome.response.status).toBe(200);
    expect(outcome.logs.map((l) => l.message)).toEqual(['webhook: accepted', 'webhook: claim not completed']);
  });

  it('publishes nothing and claims nothing for a bad signature', async () => {
    const { deps } = system();
    const outcome = await receiveWebhook(deps, signedRequest('shopify', fixture('shopify', 'orders-create'), 'wrong'));
    expect(outcome.response.status).toBe(401);
    expect(deps.publisher.calls).toBe(0);
    expect(deps.dedupe.records.size).toBe(0);
    expect(deps.orderOwners.owners.size).toBe(0);
  });

  it('maps a Shopify refund to the customer who placed the order', async () => {
    const { deps } = system();
    const refund = () => signedRequest('shopify', fixture('shopify', 'refunds-create'));
    const unknown = await receiveWebhook(deps, refund());
    expect(unknown.response.body).toEqual({ status: 'ignored', reason: 'refund of order shopify:6021775573095, which Engage has not seen' });
    await receiveWebhook(deps, order());
    const known = await receiveWebhook(deps, refund());
    expect(known.published).toBe(1);
    expect(deps.publisher.published[1]).toMatchObject({ detailType: 'order.refunded', detail: { customerId: 'shopify:7412963258471', amount: 79.97 } });
  });

  it('keeps two WooCommerce deliveries apart that share a delivery id but not a body', async () => {
    const { deps } = system();
    const completed = fixture('woocommerce', 'order-updated-completed');
    const refunded = fixture('woocommerce', 'order-updated-refund');
    refunded.headers['X-WC-Webhook-Delivery-ID'] = completed.headers['X-WC-Webhook-Delivery-ID']!;
    await receiveWebhook(deps, signedRequest('woocommerce', completed));
    const second = await receiveWebhook(deps, signedRequest('woocommerce', refunded));
    expect(second.published).toBe(3);
    expect((await receiveWebhook(deps, signedRequest('woocommerce', refunded))).response.body.status).toBe('duplicate');
  });
});

describe('ownerExpiry', () => {
  const DAY = 86_400_000;
  it('keeps the owner through the refund window, and at least the redelivery time after it was received, plus a day', () => {
    const now = new Date('2026-11-18T06:00:00Z');
    expect(ownerExpiry('2026-11-18T05:00:00+00:00', now, 90).getTime()).toBe(Date.parse('2026-11-18T05:00:00Z') + 91 * DAY);
    // A backfilled order from last year: kept as long as a copy of its webhook can still come.
    expect(ownerExpiry('2025-06-01T10:00:00+08:00', now, 90).getTime()).toBe(now.getTime() + (REDELIVERY_DAYS + 1) * DAY);
  });
});

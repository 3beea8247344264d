/**
 * Shop-platform webhooks through the real `webhooks` handler, served as its Function URL on
 * loopback (as `npm start` does), with the platforms' own payloads signed as they sign them, the
 * local bus and DynamoDB Local: what is published, what is stored, and what is refused.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { keys } from '../../shared/platform/table/keys.js';
import { signBody } from '../../shared/webhooks/signature.js';
import { parseWebhookSecrets } from '../../shared/webhooks/secrets.js';
import { putRaw, systemForTest } from '../support/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let secrets: { shopify: string; woocommerce: string };
const CUSTOMER = 'shopify:7412963258471';
const ORDER = 'shopify:6021775573095';

type Platform = 'shopify' | 'woocommerce';
const fixture = (platform: Platform, name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${platform}/${name}.json`, import.meta.url), 'utf8')) as { headers: Record<string, string>; payload: Record<string, unknown> };
const SIGNATURE: Record<Platform, string> = { shopify: 'X-Shopify-Hmac-Sha256', woocommerce: 'X-WC-Webhook-Signature' };

async function deliver(platform: Platform, name: string, opts: { secret?: string; headers?: Record<string, string>; body?: Buffer } = {}) {
  const f = fixture(platform, name);
  const body = opts.body ?? Buffer.from(JSON.stringify(f.payload));
  const before = sys.bus.published;
  const res = await fetch(`${sys.webhooksUrl}/webhooks/${platform}`, {
    method: 'POST',
    headers: { ...f.headers, [SIGNATURE[platform]]: signBody(body, opts.secret ?? secrets[platform]), ...opts.headers },
    body,
  });
  const answer = { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
  await sys.bus.idle();
  return { ...answer, published: sys.bus.published - before };
}

const delivery = async (key: string) =>
  (await documentClient(sys.dynamodb).send(new GetCommand({ TableName: sys.tableName, Key: keys.webhookDelivery(key), ConsistentRead: true }))).Item;

beforeAll(async () => {
  sys = await systemForTest();
  const s = parseWebhookSecrets(readFileSync(sys.settings.webhookSecretsFile, 'utf8'));
  secrets = { shopify: s.shopify![0]!, woocommerce: s.woocommerce![0]! };
});
afterAll(() => sys?.close());

describe('webhooks endpoint', () => {
  it('refuses a delivery with a wrong signature: 401, nothing published, nothing stored', async () => {
    const out = await deliver('shopify', 'orders-create', { secret: 'not-the-shop-secret-at-all' });
    expect(out).toMatchObject({ status: 401, body: { status: 'unauthorized' }, published: 0 });
    expect(await sys.stores.customers.getCustomer(CUSTOMER)).toBeNull();
    expect(await sys.stores.orderOwners.ownerOf(ORDER)).toBeNull();
    expect(await delivery('shopify:lotus-tea.myshopify.com:3f7c1a52-8e4b-4d0e-9a61-5b2c7d9e0f14')).toBeUndefined();
  });

  it('publishes an order once however often Shopify delivers it, and the handlers store it', async () => {
    const first = await deliver('shopify', 'orders-create');
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted' }, published: 1 });
    const again = await deliver('shopify', 'orders-create');
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate' }, published: 0 });
    expect(await delivery('shopify:lotus-tea.myshopify.com:3f7c1a52-8e4b-4d0e-9a61-5b2c7d9e0f14')).toMatchObject({ state: 'done', expiresAt: expect.any(Number) });
    expect((await sys.stores.customers.getCustomer(CUSTOMER))?.summary).toMatchObject({ orders: 1, spend: 318 });
    expect(await sys.stores.orderOwners.ownerOf(ORDER)).toBe(CUSTOMER);
    // The owner expires once Engage no longer holds the order (a copy can come for 15 days; the refund window is 90)
    const owner = (await documentClient(sys.dynamodb).send(new GetCommand({ TableName: sys.tableName, Key: keys.orderOwner(ORDER) }))).Item!;
    const days = (owner.expiresAt * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(15);
    expect(days).toBeLessThan(92);
  });

  it('finds the customer of a refund through the order it names', async () => {
    const out = await deliver('shopify', 'refunds-create');
    expect(out).toMatchObject({ status: 200, body: { status: 'accepted' }, published: 1 });
    expect((await sys.stores.customers.getCustomer(CUSTOMER))?.summary.spend).toBeLessThan(318);
  });

  it('answers an unknown topic 200 ignored and publishes nothing', async () => {
    const out = await deliver('shopify', 'orders-create', { headers: { 'X-Shopify-Topic': 'products/update', 'X-Shopify-Webhook-Id': 'a0000000-0000-4000-8000-000000000001' } });
    expect(out).toMatchObject({ status: 200, body: { status: 'ignored' }, published: 0 });
  });

  it('answers an oversized body 413 without reading all of it', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
    // A raw request, so the test sees the answer even though the server stops reading early.
    const status = await new Promise<number>((ok, fail) => {
      const url = new URL(`${sys.webhooksUrl}/webhooks/shopify`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': big.length } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : fail(e)));
      req.end(big);
    });
    expect(status).toBe(413);
  });

  it('takes WooCommerce orders signed with the WooCommerce secret, not with Shopify’s', async () => {
    expect(await deliver('woocommerce', 'order-created', { secret: secrets.shopify })).toMatchObject({ status: 401, published: 0 });
    expect(await deliver('woocommerce', 'order-created')).toMatchObject({ status: 200, body: { status: 'accepted' }, published: 1 });
  });

  it('lets erasure delete the customer’s order-owner items too', async () => {
    await putRaw(sys, [{ source: SHOP_SOURCE, detailType: DetailType.CustomerEraseRequested, detail: { customerId: CUSTOMER, requestId: 'req-wh', occurredAt: new Date().toISOString() } }]);
    expect(await sys.stores.orderOwners.ownerOf(ORDER)).toBeNull();
    expect(await sys.stores.customers.getCustomer(CUSTOMER)).toBeNull();
  });

  it('never names an erased customer again: a late delivery of their order stores no owner and no customer', async () => {
    // A new delivery id for the same order (Shopify retries under a new id after a re-send).
    const out = await deliver('shopify', 'orders-create', { headers: { 'X-Shopify-Webhook-Id': 'after-erasure-0001' } });
    expect(out.status).toBe(200);
    expect(await sys.stores.orderOwners.ownerOf(ORDER)).toBeNull();
    expect(await sys.stores.customers.getCustomer(CUSTOMER)).toBeNull();
  });
});

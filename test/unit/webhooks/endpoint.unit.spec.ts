/** The pure request handling: routing, size limit, signatures, JSON, and what each outcome answers. */
import { describe, expect, it } from 'vitest';
import { handleWebhookRequest, type EndpointDecision, type WebhookRequest } from '../../../shared/webhooks/endpoint.js';
import { signBody } from '../../../shared/webhooks/signature.js';
import { config, fixture, NOW, SECRETS, signedRequest } from './support.js';

const handle = (request: WebhookRequest, cfg = config): EndpointDecision => handleWebhookRequest(request, cfg, NOW);

function responded(decision: EndpointDecision) {
  if (decision.kind !== 'respond') throw new Error(`expected a response only, got ${decision.kind}`);
  return decision;
}

describe('a valid delivery', () => {
  it('answers 200 accepted and hands over the contract-checked events with the dedupe key', () => {
    const decision = handle(signedRequest('shopify', fixture('shopify', 'orders-create')));
    expect(decision).toMatchObject({
      kind: 'publish',
      dedupeKey: 'shopify:lotus-tea.myshopify.com:3f7c1a52-8e4b-4d0e-9a61-5b2c7d9e0f14',
      response: { status: 200, body: { status: 'accepted', events: 1 } },
      log: { level: 'info', platform: 'shopify', topic: 'orders/create', delivery: '3f7c1a52-8e4b-4d0e-9a61-5b2c7d9e0f14' },
    });
    expect(decision.kind === 'publish' && decision.events.map((e) => e.detailType)).toEqual(['order.placed']);
  });

  it('accepts header names in any case (HTTP/2 lower-cases them) and arrays of values', () => {
    const request = signedRequest('woocommerce', fixture('woocommerce', 'order-created'));
    const lower = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), [v as string]]));
    expect(handle({ ...request, headers: lower }).kind).toBe('publish');
  });

  it('accepts the previous secret during a rotation and says so in the log', () => {
    const decision = handle(signedRequest('shopify', fixture('shopify', 'orders-create'), SECRETS.previous));
    expect(decision).toMatchObject({ kind: 'publish', log: { notes: ['signed with the previous secret'] } });
  });

  it('asks for the order owner before it can map a Shopify refund', () => {
    expect(handle(signedRequest('shopify', fixture('shopify', 'refunds-create')))).toEqual({ kind: 'lookup', orderOwnerOf: 'shopify:6021775573095' });
  });
});

describe('signature failures: 401 and nothing to publish', () => {
  const valid = signedRequest('shopify', fixture('shopify', 'orders-create'));

  it.each([
    ['tampered body', { ...valid, body: Buffer.from(Buffer.from(valid.body).toString().replace('"318.00"', '"3.18"')) }, 'mismatch'],
    ['wrong secret', signedRequest('shopify', fixture('shopify', 'orders-create'), 'shpss_someone_else'), 'mismatch'],
    ['missing header', signedRequest('shopify', fixture('shopify', 'orders-create'), null), 'missing'],
    ['hex instead of base64', { ...valid, headers: { ...valid.headers, 'X-Shopify-Hmac-Sha256': 'ab'.repeat(32) } }, 'malformed'],
    ['the other platform\'s header', { ...valid, headers: { ...valid.headers, 'X-Shopify-Hmac-Sha256': undefined, 'X-WC-Webhook-Signature': valid.headers['X-Shopify-Hmac-Sha256'] } }, 'missing'],
  ] as const)('%s', (_, request, reason) => {
    const decision = responded(handle(request as WebhookRequest));
    expect(decision.response).toEqual({ status: 401, body: { status: 'unauthorized' } });
    expect(decision.log).toMatchObject({ level: 'warn', reason });
  });

  it('rejects everything, as an error to fix, when no secret is configured', () => {
    const cfg = { ...config, woocommerce: { ...config.woocommerce!, secrets: [''] } };
    const unsigned = signedRequest('woocommerce', fixture('woocommerce', 'order-created'), '');
    const decision = responded(handle(unsigned, cfg));
    expect(decision.response.status).toBe(401);
    expect(decision.log).toMatchObject({ level: 'error', reason: 'no-secret' });
  });

  it('checks the signature before reading the body: bad JSON unsigned is a 401, not a 400', () => {
    const junk = { ...valid, body: Buffer.from('{not json') };
    expect(responded(handle(junk)).response.status).toBe(401);
  });
});

describe('other answers', () => {
  it('400 for a validly signed body that is not a JSON object, or a delivery without topic', () => {
    for (const text of ['{not json', '[1,2]', '"order"']) {
      const body = Buffer.from(text);
      const request = { ...signedRequest('shopify', fixture('shopify', 'orders-create')), body };
      request.headers = { ...request.headers, 'X-Shopify-Hmac-Sha256': signBody(body, SECRETS.current) };
      expect(responded(handle(request)).response, text).toEqual({ status: 400, body: { status: 'bad-request', reason: 'body is not a JSON object' } });
    }
    const d = fixture('shopify', 'orders-create');
    delete d.headers['X-Shopify-Topic'];
    expect(responded(handle(signedRequest('shopify', d))).response.status).toBe(400);
  });

  it('200 ignored, with a log line, for a topic Engage does not map', () => {
    const decision = responded(handle(signedRequest('shopify', fixture('shopify', 'draft-orders-create'))));
    expect(decision.response).toEqual({ status: 200, body: { status: 'ignored', reason: 'topic draft_orders/create is not mapped' } });
    expect(decision.log).toMatchObject({ level: 'info', message: 'webhook: ignored', topic: 'draft_orders/create' });
  });

  it('413 for a body over the limit, before any hashing', () => {
    const request = signedRequest('shopify', fixture('shopify', 'orders-create'));
    const big = { ...request, body: new Uint8Array(request.body.byteLength + 1) };
    const decision = responded(handleWebhookRequest(big, { ...config, maxBodyBytes: request.body.byteLength }, NOW));
    expect(decision.response.status).toBe(413);
    expect(handleWebhookRequest(request, { ...config, maxBodyBytes: request.body.byteLength }, NOW).kind).toBe('publish');
  });

  it('200 pong for WooCommerce\'s unsigned ping when a webhook is saved', () => {
    const ping: WebhookRequest = {
      method: 'POST', path: '/webhooks/woocommerce', body: Buffer.from('webhook_id=7'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'WooCommerce/10.3.4 Hookshot (WordPress/6.8.3)' },
    };
    expect(responded(handle(ping)).response).toEqual({ status: 200, body: { status: 'pong' } });
    // A ping body that claims a topic is a delivery, and must be signed.
    expect(responded(handle({ ...ping, headers: { ...ping.headers, 'X-WC-Webhook-Topic': 'order.created' } })).response.status).toBe(401);
  });

  it('404 for other paths and unconfigured platforms, 405 for other methods', () => {
    const request = signedRequest('shopify', fixture('shopify', 'orders-create'));
    expect(responded(handle({ ...request, path: '/webhooks/magento' })).response.status).toBe(404);
    expect(responded(handle(request, { woocommerce: config.woocommerce!, refundWindowDays: 90 })).response.status).toBe(404);
    expect(responded(handle({ ...request, method: 'GET' })).response.status).toBe(405);
    expect(handle({ ...request, path: '/webhooks/shopify/?shop=lotus-tea' }).kind).toBe('publish');
  });

  it('200 rejected, naming the field, when a mapped event breaks the contract', () => {
    const d = fixture('shopify', 'orders-create');
    d.payload.currency = 'yuan';
    delete d.payload.total_price_set;
    const decision = responded(handle(signedRequest('shopify', d)));
    expect(decision.response.body).toEqual({ status: 'rejected', reason: expect.stringContaining('order.placed.currency') });
    expect(decision.log.level).toBe('warn');
  });

  it('logs a data request to answer, with ids only', () => {
    const decision = responded(handle(signedRequest('shopify', fixture('shopify', 'customers-data-request'))));
    expect(decision.response).toEqual({ status: 200, body: { status: 'noted' } });
    expect(decision.log.dataRequest).toEqual(expect.objectContaining({ customerId: 'shopify:7412963258471', requestId: 'shopify:data-request:9981' }));
    expect(JSON.stringify(decision.log)).not.toContain('wang.li@example.cn');
  });

  it('warns when a customer is mapped without consent information', () => {
    const decision = handle(signedRequest('shopify', fixture('shopify', 'customers-update')));
    expect(decision).toMatchObject({ kind: 'publish', log: { level: 'warn', notes: [expect.stringContaining('email_marketing_consent')] } });
  });
});

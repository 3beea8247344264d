import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGAGE_SOURCE, SHOP_SOURCE } from '../../../shared/platform/contracts/events.js';
import { eventJsonSchemas } from '../../../shared/platform/contracts/json-schema.js';
import { acceptedBy, matches, routes, routesFor } from '../../../shared/platform/contracts/functions.js';
import { MalformedEventError } from '../../../shared/platform/errors.js';
import { parseEnvelope } from '../../../shared/platform/runtime/envelope.js';

const envelope = (detailType: string, detail: unknown, source = SHOP_SOURCE) =>
  JSON.stringify({ version: '0', id: 'e-1', 'detail-type': detailType, source, time: '2026-01-01T00:00:00Z', detail });
const order = { orderId: 'o1', customerId: 'c1', lines: [{ sku: 'a', quantity: 1, unitPrice: 5 }], total: 5, currency: 'CNY', occurredAt: '2026-01-01T00:00:00Z' };

describe('parseEnvelope', () => {
  const accepted = acceptedBy('order-events');

  it('returns the typed detail of a valid event', () => {
    // (instants leave the contract as canonical UTC)
    expect(parseEnvelope(envelope('order.placed', order), accepted)).toEqual({ type: 'order.placed', detail: { ...order, occurredAt: '2026-01-01T00:00:00.000Z' } });
  });

  it.each([
    [{ ...order, total: 'abc' }, 'detail.total'],
    [{ ...order, lines: [] }, 'detail.lines'],
    [{ ...order, customerId: 'has space' }, 'detail.customerId'],
    [{ ...order, occurredAt: 'yesterday' }, 'detail.occurredAt'],
    [{ ...order, currency: 'yuan' }, 'detail.currency'],
  ])('names the bad field of %j', (detail, field) => {
    expect(() => parseEnvelope(envelope('order.placed', detail), accepted)).toThrow(new RegExp(`${field.replace('.', '\\.')}:`));
  });

  it('rejects what the route does not deliver, a wrong source, and non-JSON', () => {
    expect(() => parseEnvelope(envelope('customer.upserted', {}), accepted)).toThrow(MalformedEventError);
    expect(() => parseEnvelope(envelope('order.placed', order, ENGAGE_SOURCE), accepted)).toThrow(/unexpected source/);
    expect(() => parseEnvelope('{oops', accepted)).toThrow(/not JSON/);
  });
});

describe('routing', () => {
  it('delivers each event type to the functions that consume it', () => {
    const targets = (source: string, type: string) => routesFor({ source, 'detail-type': type }).map((r) => r.target).sort();
    for (const t of ['order.cancelled', 'order.refunded']) expect(targets(SHOP_SOURCE, t), t).toEqual(['loyalty', 'order-events']);
    // orders also start flows (welcome series) and end or resume waiting entries
    expect(targets(SHOP_SOURCE, 'order.placed')).toEqual(['campaign-dispatch', 'loyalty', 'order-events']);
    for (const t of ['checkout.started', 'cart.updated', 'product.viewed']) expect(targets(SHOP_SOURCE, t), t).toEqual(['campaign-dispatch']);
    expect(targets(ENGAGE_SOURCE, 'flow.step-due')).toEqual(['campaign-dispatch']);
    // deliveries also start follow-ups (post-delivery survey)
    expect(targets(SHOP_SOURCE, 'order.fulfilled')).toEqual(['campaign-dispatch', 'loyalty', 'order-events']);
    expect(targets(ENGAGE_SOURCE, 'survey.low-score')).toEqual(['campaign-dispatch']);
    expect(targets(ENGAGE_SOURCE, 'customer.tier-changed')).toEqual(['campaign-dispatch']);
    expect(targets(SHOP_SOURCE, 'customer.upserted')).toEqual(['customer-upsert']);
    expect(targets(SHOP_SOURCE, 'points.redeem-requested')).toEqual(['loyalty']);
    expect(targets(ENGAGE_SOURCE, 'customer.risk-changed')).toEqual(['campaign-dispatch']);
    expect(targets(ENGAGE_SOURCE, 'campaign.send-due')).toEqual(['campaign-dispatch']);
    // Sweep segments are Step Functions Tasks now (shared/platform/bulk.ts), not events.
    expect(targets(ENGAGE_SOURCE, 'sweep.segment-requested')).toEqual([]);
    expect(targets('aws.ses', 'Email Bounced')).toEqual(['ses-feedback']);
    expect(targets(SHOP_SOURCE, 'customer.erase-requested')).toEqual(['customer-erase']);
  });

  it('routes every internal event somewhere (an unrouted internal event would be silently lost)', () => {
    for (const type of ['campaign.send-due', 'customer.risk-changed']) {
      expect(routesFor({ source: ENGAGE_SOURCE, 'detail-type': type }).length, type).toBeGreaterThan(0);
    }
  });

  it('matches on source and detail-type together, as EventBridge does', () => {
    const orders = routes.find((r) => r.id === 'OrderEvents')!.pattern;
    expect(matches(orders, { source: SHOP_SOURCE, 'detail-type': 'order.placed' })).toBe(true);
    expect(matches(orders, { source: 'someone.else', 'detail-type': 'order.placed' })).toBe(false);
    expect(matches(orders, { source: SHOP_SOURCE, 'detail-type': 'customer.upserted' })).toBe(false);
  });
});

describe('published JSON Schemas', () => {
  it('are up to date with the zod contracts (run `npm run engage -- events schema`)', () => {
    const generated = eventJsonSchemas();
    const files = readdirSync('schemas/events').filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(Object.keys(generated).sort());
    for (const [type, schema] of Object.entries(generated)) {
      expect(JSON.parse(readFileSync(`schemas/events/${type}.json`, 'utf8')), type).toEqual(schema);
    }
  });
});

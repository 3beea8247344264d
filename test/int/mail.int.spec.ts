/**
 * SES feedback through the real ses-feedback handler and the local bus: permanent bounces and
 * complaints suppress, transient bounces do not, and a later delivery does not revive; every
 * other type the configuration set publishes is taken without dead-lettering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { routesFor } from '../../shared/platform/contracts/functions.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';

let sys: TestSystem;
beforeAll(async () => void (sys = await systemForTest()));
afterAll(() => sys?.close());

describe('SES feedback events', () => {
  it('suppresses on a permanent bounce or complaint from SES, ignores transient bounces, and a later delivery does not revive', async () => {
    const ses = (detailType: string, customerId: string, extra: Record<string, unknown>) => ({
      source: 'aws.ses',
      detailType,
      detail: { eventType: extra.eventType, mail: { messageId: `m-${customerId}`, tags: { campaign: ['win-back'], customer: [customerId] } }, ...extra },
    });
    const up = (id: string) => ({
      source: SHOP_SOURCE, detailType: DetailType.CustomerUpserted,
      detail: { customerId: id, email: `${id}@example.com`, name: 'X', locale: 'en', timeZone: 'UTC', marketingConsent: true, occurredAt: '2026-01-01T00:00:00Z' },
    });
    await putRaw(sys, [up('hard-1'), up('soft-1'), up('cmp-1')]);
    await putRaw(sys, [
      ses('Email Bounced', 'hard-1', { eventType: 'Bounce', bounce: { bounceType: 'Permanent' } }),
      ses('Email Bounced', 'soft-1', { eventType: 'Bounce', bounce: { bounceType: 'Transient' } }),
      ses('Email Complaint Received', 'cmp-1', { eventType: 'Complaint', complaint: {} }),
      ses('Email Complaint Received', 'cmp-1', { eventType: 'Complaint', complaint: {} }),
    ]);
    await putRaw(sys, [ses('Email Delivered', 'hard-1', { eventType: 'Delivery' })]);
    expect((await sys.stores.customers.getCustomer('hard-1'))?.suppressed).toBe(true);
    expect((await sys.stores.customers.getCustomer('cmp-1'))?.suppressed).toBe(true);
    expect((await sys.stores.customers.getCustomer('soft-1'))?.suppressed).toBeUndefined();
  });

  it('takes every other sending event the configuration set publishes (reject, rendering failure, delay, open, click) without dead-lettering or suppressing', async () => {
    const id = 'other-ses-1';
    await putRaw(sys, [{
      source: SHOP_SOURCE, detailType: DetailType.CustomerUpserted,
      detail: { customerId: id, email: `${id}@example.com`, name: 'X', locale: 'en', timeZone: 'UTC', marketingConsent: true, occurredAt: '2026-01-01T00:00:00Z' },
    }]);
    const deadBefore = sys.bus.deadLetters.length;
    const events = [
      [DetailType.SesRejected, 'Reject'],
      [DetailType.SesRenderingFailed, 'Rendering Failure'],
      [DetailType.SesDeliveryDelayed, 'DeliveryDelay'],
      [DetailType.SesOpened, 'Open'],
      [DetailType.SesClicked, 'Click'],
    ] as const;
    expect(events.map(([detailType]) => routesFor({ source: 'aws.ses', 'detail-type': detailType }).map((r) => r.target))).toEqual(events.map(() => ['ses-feedback']));
    await putRaw(sys, events.map(([detailType, eventType]) => ({
      source: 'aws.ses',
      detailType,
      detail: { eventType, mail: { messageId: `m-${eventType}`, tags: { customer: [id], 'ses:configuration-set': ['engage-test'] } } },
    })));
    expect(sys.bus.deadLetters.slice(deadBefore)).toEqual([]);
    expect((await sys.stores.customers.getCustomer(id))?.suppressed).toBeUndefined();
  });
});

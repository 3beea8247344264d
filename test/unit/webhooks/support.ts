/** Signed webhook requests built from the fixtures, the shop settings the tests use, and a
 * check that every mapped event passes the shop-event contract. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { contracts } from '../../../shared/platform/contracts/events.js';
import type { EndpointConfig, Platform, WebhookRequest } from '../../../shared/webhooks/endpoint.js';
import type { MapResult, MappedEvent, ShopSettings } from '../../../shared/webhooks/mapping.js';
import { signBody } from '../../../shared/webhooks/signature.js';
import type { WooSettings } from '../../../shared/webhooks/woocommerce.js';

export const SECRETS = { current: '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', previous: 'shpss_old_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e' };
export const NOW = new Date('2026-11-10T03:00:07.000Z');

export const shopSettings: ShopSettings = { timeZone: 'Asia/Shanghai', defaultLocale: 'zh-CN' };
export const wooSettings: WooSettings = {
  timeZone: 'Europe/London', defaultLocale: 'en', consentMetaKey: 'engage_newsletter', localeMetaKey: 'preferred_language',
};
export const config: EndpointConfig = {
  refundWindowDays: 90,
  shopify: { secrets: [SECRETS.current, SECRETS.previous], settings: shopSettings },
  woocommerce: { secrets: [SECRETS.current], settings: wooSettings },
};

export interface Delivery {
  headers: Record<string, string>;
  payload: any; // fixtures are edited freely in tests
}

export function fixture(platform: Platform, name: string): Delivery {
  return JSON.parse(readFileSync(new URL(`../../fixtures/webhooks/${platform}/${name}.json`, import.meta.url), 'utf8')) as Delivery;
}

const SIGNATURE_HEADER: Record<Platform, string> = { shopify: 'X-Shopify-Hmac-Sha256', woocommerce: 'X-WC-Webhook-Signature' };

/** The delivery as bytes on the wire, signed with `secret` (null: no signature header). */
export function signedRequest(platform: Platform, delivery: Delivery, secret: string | null = SECRETS.current): WebhookRequest {
  const body = Buffer.from(JSON.stringify(delivery.payload));
  const headers = { ...delivery.headers, ...(secret === null ? {} : { [SIGNATURE_HEADER[platform]]: signBody(body, secret) }) };
  return { method: 'POST', path: `/webhooks/${platform}`, headers, body };
}

export const withTopic = (delivery: Delivery, header: string, topic: string): Delivery => ({
  ...delivery,
  headers: { ...delivery.headers, [header]: topic },
});

/** Each event is one the existing contract accepts as it stands. */
export function expectContract(events: MappedEvent[]): void {
  for (const e of events) expect(() => contracts[e.detailType].schema.parse(e.detail), e.detailType).not.toThrow();
}

/** The events of a mapping that must have produced some, each checked against the contract. */
export function eventsOf(result: MapResult): Extract<MapResult, { kind: 'events' }> {
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  expectContract(result.events);
  return result;
}

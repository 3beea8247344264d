/**
 * The webhook endpoint as a pure function (no I/O, time passed in): route → size limit →
 * signature → JSON → platform mapping → contract check, answered as a decision value. The
 * application (receive.ts) performs what the decision asks: publish, or look a fact up and ask again.
 *
 * Responses: 404 unknown path or platform not configured, 405 not POST, 413 body over the limit,
 * 401 missing/bad signature, 400 bad JSON or no topic, 200 for everything a retry cannot change
 * (mapped, ignored, rejected payloads, WooCommerce's ping). Only 401/400/413/5xx make a platform retry.
 */
import { createHash } from 'node:crypto';
import { contracts, SHOP_SOURCE, type OutgoingEvent } from '../platform/contracts/events.js';
import { CustomerDataRequested, type Lookups, type MapInput, type MapResult, type ShopSettings } from './mapping.js';
import { mapShopify, SHOPIFY_HEADERS } from './shopify.js';
import { verifySignature } from './signature.js';
import { mapWooCommerce, WOO_HEADERS, type WooSettings } from './woocommerce.js';

export type Platform = 'shopify' | 'woocommerce';

export interface WebhookRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body bytes, exactly as received: the signature covers them. */
  body: Uint8Array;
}

export interface WebhookResponse {
  status: number;
  body: { status: string; reason?: string; events?: number };
}

/** One structured log line; never carries payload values (names, addresses, emails). */
export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  message: string;
  platform?: Platform;
  topic?: string;
  /** The platform's delivery id, to find the delivery in the shop's webhook log. */
  delivery?: string;
  reason?: string;
  notes?: string[];
  dataRequest?: CustomerDataRequested;
}

export interface PlatformConfig<S extends ShopSettings> {
  /** Current secret first; during a rotation the previous one after it. */
  secrets: readonly string[];
  settings: S;
}

export interface EndpointConfig {
  shopify?: PlatformConfig<ShopSettings>;
  woocommerce?: PlatformConfig<WooSettings>;
  maxBodyBytes?: number;
  /** The loyalty programme's refund window: how long an order's owner is kept (ownerExpiry in receive.ts). */
  refundWindowDays: number;
}

// Shopify sends whole order resources (every line with its tax, discount and price sets): a
// large order passes 256 KB, and a 413 loses it for good once the retries run out.
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type EndpointDecision =
  | { kind: 'respond'; response: WebhookResponse; log: LogRecord }
  | { kind: 'publish'; events: OutgoingEvent[]; dedupeKey: string; response: WebhookResponse; log: LogRecord }
  | { kind: 'lookup'; orderOwnerOf: string };

interface PlatformSpec {
  signature: string;
  topic: string;
  delivery: string;
  map: (input: MapInput<never>) => MapResult;
}

const PLATFORMS: Readonly<Record<Platform, PlatformSpec>> = {
  shopify: { signature: SHOPIFY_HEADERS.signature, topic: SHOPIFY_HEADERS.topic, delivery: SHOPIFY_HEADERS.webhookId, map: mapShopify },
  woocommerce: { signature: WOO_HEADERS.signature, topic: WOO_HEADERS.topic, delivery: WOO_HEADERS.deliveryId, map: mapWooCommerce },
};

const ROUTES: ReadonlyMap<string, Platform> = new Map([
  ['/webhooks/shopify', 'shopify'],
  ['/webhooks/woocommerce', 'woocommerce'],
]);

function lowerHeaders(headers: WebhookRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v !== undefined) out[name.toLowerCase()] = v;
  }
  return out;
}

const respond = (status: number, body: WebhookResponse['body'], log: LogRecord): EndpointDecision => ({
  kind: 'respond', response: { status, body }, log,
});

// WooCommerce pings a new webhook's URL once, unsigned, with a form body, and keeps the webhook
// only if that answers 200; it carries nothing, so nothing is done with it.
const isWooPing = (headers: Record<string, string>, body: Uint8Array) =>
  !headers[WOO_HEADERS.signature] && !headers[WOO_HEADERS.topic] && /^webhook_id=\d+$/.test(Buffer.from(body).toString('utf8').trim());

function checkContracts(mapped: Extract<MapResult, { kind: 'events' }>['events']): OutgoingEvent[] | string[] {
  const valid: OutgoingEvent[] = [];
  const problems: string[] = [];
  for (const { detailType, detail } of mapped) {
    const contract = contracts[detailType];
    if (contract.source !== SHOP_SOURCE) {
      problems.push(`${detailType}: not a shop event`);
      continue;
    }
    const parsed = contract.schema.safeParse(detail);
    if (parsed.success) valid.push({ detailType, detail: parsed.data } as OutgoingEvent);
    else problems.push(...parsed.error.issues.map((i) => `${detailType}.${i.path.join('.')}: ${i.message}`));
  }
  return problems.length ? problems : valid;
}

export function handleWebhookRequest(request: WebhookRequest, config: EndpointConfig, now: Date, lookups?: Lookups): EndpointDecision {
  const platform = ROUTES.get(request.path.split('?')[0]!.replace(/\/+$/, ''));
  if (!platform) return respond(404, { status: 'not-found' }, { level: 'info', message: 'webhook: unknown path' });
  if (request.method.toUpperCase() !== 'POST') return respond(405, { status: 'method-not-allowed' }, { level: 'info', message: 'webhook: not a POST', platform });
  const platformConfig = config[platform];
  if (!platformConfig) return respond(404, { status: 'not-found' }, { level: 'warn', message: 'webhook: platform not configured', platform });
  const maxBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (request.body.byteLength > maxBytes) {
    return respond(413, { status: 'too-large' }, { level: 'warn', message: 'webhook: body over the limit', platform, reason: `${request.body.byteLength} > ${maxBytes} bytes` });
  }
  const headers = lowerHeaders(request.headers);
  const spec = PLATFORMS[platform];
  if (platform === 'woocommerce' && isWooPing(headers, request.body)) {
    return respond(200, { status: 'pong' }, { level: 'info', message: 'webhook: WooCommerce ping', platform });
  }
  const delivery = headers[spec.delivery];
  const at = { platform, ...(delivery ? { delivery } : {}) };
  const signature = verifySignature(request.body, headers[spec.signature], platformConfig.secrets);
  if (!signature.ok) {
    const level = signature.reason === 'no-secret' ? 'error' : 'warn';
    return respond(401, { status: 'unauthorized' }, { level, message: 'webhook: signature rejected', ...at, reason: signature.reason });
  }
  const rotation = signature.secretIndex > 0 ? ['signed with the previous secret'] : [];
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(request.body).toString('utf8'));
  } catch {
    payload = undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return respond(400, { status: 'bad-request', reason: 'body is not a JSON object' }, { level: 'warn', message: 'webhook: bad JSON', ...at });
  }
  const topic = headers[spec.topic];
  if (!topic) return respond(400, { status: 'bad-request', reason: 'no topic header' }, { level: 'warn', message: 'webhook: no topic', ...at });
  const bodySha256 = createHash('sha256').update(request.body).digest('hex');
  const input = { topic, headers, payload: payload as Record<string, unknown>, settings: platformConfig.settings as never, bodySha256, now, ...(lookups ? { lookups } : {}) };
  return decide(spec.map(input), { ...at, topic, notes: rotation });
}

function decide(result: MapResult, context: Omit<LogRecord, 'level' | 'message'> & { notes: string[] }): EndpointDecision {
  const withNotes = (extra: string[] = []) => {
    const notes = [...context.notes, ...extra];
    return { ...context, notes: notes.length ? notes : undefined };
  };
  switch (result.kind) {
    case 'lookup':
      return result;
    case 'ignored':
      return respond(200, { status: 'ignored', reason: result.reason }, { level: 'info', message: 'webhook: ignored', ...withNotes(), reason: result.reason });
    case 'rejected':
      return respond(200, { status: 'rejected', reason: result.reason }, { level: 'warn', message: 'webhook: payload not mappable', ...withNotes(), reason: result.reason });
    case 'data-request': {
      const request = CustomerDataRequested.safeParse(result.request);
      if (!request.success) return respond(200, { status: 'rejected', reason: 'data request not valid' }, { level: 'warn', message: 'webhook: payload not mappable', ...withNotes() });
      // No state changes: the operator answers the shop with what Engage holds for this customer.
      return respond(200, { status: 'noted' }, { level: 'warn', message: 'webhook: customer data request to answer', ...withNotes(), dataRequest: request.data });
    }
    case 'events': {
      const checked = checkContracts(result.events);
      if (typeof checked[0] === 'string') {
        const reason = (checked as string[]).join('; ');
        return respond(200, { status: 'rejected', reason }, { level: 'warn', message: 'webhook: mapped event breaks the contract', ...withNotes(), reason });
      }
      const published = checked as OutgoingEvent[];
      const level = result.notes?.length ? 'warn' : 'info';
      const log: LogRecord = { level, message: 'webhook: accepted', ...withNotes(result.notes) };
      return { kind: 'publish', events: published, dedupeKey: result.dedupeKey, response: { status: 200, body: { status: 'accepted', events: published.length } }, log };
    }
  }
}

/** Shared pieces of the guarantee suite (test/int/guarantees): shop events, table reads, log and metric capture. */
import { readFileSync } from 'node:fs';
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { DetailType, ENGAGE_SOURCE, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { keys } from '../../shared/platform/table/keys.js';
import { isHoldout } from '../../shared/campaigns/policy.js';
import { parseKeyring } from '../../shared/platform/runtime/keyring.js';
import { signToken } from '../../shared/links/token.js';
import type { LocalSystem } from '../../local/system.js';
import { putRaw } from './system.js';

export const profile = (customerId: string, p: { email?: string; consent?: boolean; timeZone?: string; occurredAt?: string; name?: string; locale?: 'en' | 'zh-CN' } = {}) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CustomerUpserted,
  detail: {
    customerId,
    email: p.email ?? `${customerId}@example.com`,
    name: p.name ?? 'Ada Lovelace',
    locale: p.locale ?? 'en',
    timeZone: p.timeZone ?? 'Europe/London',
    marketingConsent: p.consent ?? true,
    occurredAt: p.occurredAt ?? '2025-01-01T00:00:00Z',
  },
});

export const placed = (customerId: string, orderId: string, occurredAt: string, total = 120) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderPlaced,
  detail: { orderId, customerId, lines: [{ sku: 'tea-1', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt },
});

export const fulfilled = (customerId: string, orderId: string, occurredAt: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderFulfilled,
  detail: { orderId, customerId, occurredAt },
});

/** What the sweep publishes when a customer drifts into a level (win-back's trigger). */
export const riskChanged = (customerId: string, at: Date, lastOrderDay = '2026-09-01') => ({
  source: ENGAGE_SOURCE,
  detailType: DetailType.CustomerRiskChanged,
  detail: { customerId, from: 'active', to: 'at-risk', method: 'rule', daysSinceLastOrder: 80, lastOrderDay, runKey: at.toISOString(), occurredAt: at.toISOString() },
});

/** What loyalty publishes on an upgrade (vip-thank-you's trigger). */
export const tierChanged = (customerId: string, at: Date) => ({
  source: ENGAGE_SOURCE,
  detailType: DetailType.CustomerTierChanged,
  detail: { customerId, from: 'silver', to: 'gold', direction: 'up', toName: { 'zh-CN': '金卡', en: 'Gold' }, reason: 'qualified', key: `tier#placed#${customerId}`, occurredAt: at.toISOString() },
});

/** A customer id the campaign's holdout does not select, so tests do not depend on the hash. */
export const mailable = (campaignId: string, base: string, percent = 10): string => {
  for (let i = 0; ; i++) if (!isHoldout(campaignId, `${base}${i}`, percent)) return `${base}${i}`;
};

export const db = (sys: LocalSystem) => documentClient(sys.dynamodb);

/** Every coupon item issued to a customer (a full scan: test-sized tables only). */
export async function couponsOf(sys: LocalSystem, customerId: string): Promise<Array<Record<string, unknown>>> {
  const out = await db(sys).send(new ScanCommand({ TableName: sys.tableName, FilterExpression: 'coupon.customerId = :c', ExpressionAttributeValues: { ':c': customerId }, ConsistentRead: true }));
  return out.Items ?? [];
}

/** Everything stored under the customer's partition. */
export async function partition(sys: LocalSystem, customerId: string): Promise<Array<Record<string, unknown>>> {
  const out = await db(sys).send(
    new QueryCommand({ TableName: sys.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

/** The raw send item (with its due-index and TTL attributes). */
export async function sendItem(sys: LocalSystem, customerId: string, campaignId: string, occurrence: string): Promise<Record<string, unknown> | undefined> {
  return (await db(sys).send(new GetCommand({ TableName: sys.tableName, Key: keys.send(customerId, campaignId, occurrence), ConsistentRead: true }))).Item;
}

/** An unsubscribe link as the mail carries it, signed with the system's own keyring. */
export function unsubscribeUrl(sys: LocalSystem, customerId: string, campaignId = 'win-back'): string {
  const keyring = parseKeyring(readFileSync(sys.settings.keyringFile, 'utf8'));
  return `${sys.linksUrl}/u/${signToken('unsubscribe', { sub: customerId, ref: campaignId }, keyring, new Date())}`;
}

/** Every line written to the console or to stdout/stderr while capturing (Powertools writes to either). */
export function captureOutput() {
  const lines: string[] = [];
  // One entry per write: a pretty-printed (POWERTOOLS_DEV) log record spans several lines.
  const keep = (chunk: unknown) => void lines.push(String(chunk));
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => keep(args.map(String).join(' ')))),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (keep(chunk), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (keep(chunk), true)),
  ];
  return {
    lines,
    restore: () => spies.forEach((s) => s.mockRestore()),
    /** CloudWatch EMF metric lines, as { name, dimensions, value }. */
    metrics(): Array<{ name: string; dimensions: Record<string, string>; value: number }> {
      return lines.flatMap((l) => {
        if (!l.includes('"_aws"')) return [];
        const emf = JSON.parse(l.slice(l.indexOf('{'))) as { _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } } & Record<string, unknown>;
        const spec = emf._aws.CloudWatchMetrics[0]!;
        const dimensions = Object.fromEntries((spec.Dimensions[0] ?? []).map((d) => [d, String(emf[d])]));
        return spec.Metrics.map((m) => ({ name: m.Name, dimensions, value: Number(emf[m.Name]) }));
      });
    },
  };
}

/** A consenting customer whose last order (2026-09-01) makes them a win-back candidate. */
export async function winBackCandidate(sys: LocalSystem & { tag: string }, base: string): Promise<string> {
  const id = mailable('win-back', `${base}-${sys.tag}-`);
  await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
  return id;
}

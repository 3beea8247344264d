/**
 * The whole loop through real handlers and emulators: profile + orders → sweep → win-back mail
 * via SES v2 — sent once, only with consent, in the customer's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/contracts/events.js';
import { DynamoCustomerStore, documentClient } from '../../shared/adapters/dynamodb-store.js';
import { sweepSegment } from '../../shared/app/sweep.js';
import { DEFAULT_RISK_CONFIG } from '../../shared/domain/scores.js';
import { fetchSentMail } from '../../local/emulators.js';
import { putRaw, systemForTest } from '../support/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let store: DynamoCustomerStore;
const NOW = new Date('2026-11-20T03:00:00Z');

const profile = (id: string, locale: 'en' | 'zh-CN', consent: boolean) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CustomerUpserted,
  detail: {
    customerId: id,
    email: `${id}@example.com`,
    name: locale === 'en' ? 'Ada Lovelace' : '王芳',
    locale,
    timeZone: locale === 'en' ? 'Europe/London' : 'Asia/Shanghai',
    marketingConsent: consent,
    occurredAt: '2025-01-01T00:00:00Z',
  },
});
const order = (customerId: string, orderId: string, occurredAt: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderPlaced,
  detail: { orderId, customerId, lines: [{ sku: 'tea', quantity: 1, unitPrice: 50 }], total: 50, currency: 'CNY', occurredAt },
});
/** Buys every 30 days, last on 2026-09-01: 80 days silent at NOW, > 2 cycles → at risk. */
const drifting = (id: string) => ['2026-07-03', '2026-08-02', '2026-09-01'].map((d, i) => order(id, `${id}-o${i}`, `${d}T10:00:00Z`));

async function mailTo(address: string) {
  const { emails } = await fetchSentMail(inject('endpoints').sesEndpoint);
  return emails.filter((m) => JSON.stringify(m.destination ?? m).includes(address));
}

beforeAll(async () => {
  sys = await systemForTest();
  store = new DynamoCustomerStore(documentClient(sys.dynamodb), sys.env.TABLE_NAME!);
  const t = sys.tag;
  await putRaw(sys, [
    profile(`en-${t}`, 'en', true),
    profile(`zh-${t}`, 'zh-CN', true),
    profile(`noconsent-${t}`, 'en', false),
    profile(`recent-${t}`, 'en', true),
    ...drifting(`en-${t}`),
    ...drifting(`zh-${t}`),
    ...drifting(`noconsent-${t}`),
    order(`recent-${t}`, `recent-${t}-o1`, '2026-11-10T10:00:00Z'),
  ]);
});
afterAll(() => sys?.close());

describe('churn sweep → win-back email', () => {
  it('marks drifting customers at risk and mails the consenting ones in their language', async () => {
    await sys.sweep(NOW);
    const t = sys.tag;
    expect((await store.getCustomer(`en-${t}`))?.risk).toMatchObject({ level: 'at-risk', method: 'rule', lastOrderDay: '2026-09-01' });
    expect((await store.getCustomer(`recent-${t}`))?.risk?.level).toBe('active');

    const [en] = await mailTo(`en-${t}@example.com`);
    expect(en?.subject).toBe('Ada Lovelace, we miss you at Engage Demo Shop');
    expect(en?.body?.text).toContain('September 1, 2026');
    expect(en?.body?.html).toContain('<html lang="en">');
    const [zh] = await mailTo(`zh-${t}@example.com`);
    expect(zh?.subject).toBe('王芳，Engage Demo Shop 想念您');
    expect(zh?.body?.text).toContain('2026年9月1日');
  });

  it('never mails a customer without marketing consent, and records why', async () => {
    const t = sys.tag;
    expect(await mailTo(`noconsent-${t}@example.com`)).toHaveLength(0);
    expect(await store.listSends(`noconsent-${t}`)).toEqual([expect.objectContaining({ campaignId: 'win-back', status: 'skipped', reason: 'no-consent' })]);
  });

  it('sends nothing twice when the sweep runs again for the same scheduled time', async () => {
    const t = sys.tag;
    await sys.sweep(NOW);
    await sys.sweep(NOW);
    expect(await mailTo(`en-${t}@example.com`)).toHaveLength(1);
    expect(await mailTo(`zh-${t}@example.com`)).toHaveLength(1);
  });

  it('sends nothing twice when a risk event is re-published after its write was lost', async () => {
    // Given the transition was published but the crash lost the risk write (the sweep's one window)
    const t = sys.tag;
    const c = (await store.getCustomer(`en-${t}`))!;
    await putRaw(sys, [
      {
        source: 'engage.core',
        detailType: DetailType.CustomerRiskChanged,
        detail: { customerId: c.customerId, from: null, to: 'at-risk', method: 'rule', daysSinceLastOrder: 80, lastOrderDay: '2026-09-01', runKey: 'another-run', occurredAt: NOW.toISOString() },
      },
    ]);
    // Then the campaign recognises the same occurrence
    expect(await mailTo(`en-${t}@example.com`)).toHaveLength(1);
  });

  it('covers a whole segment through continuations when every page must yield', async () => {
    // Given a page size of one and an invocation that always runs out of time
    const published: unknown[] = [];
    const deps = { store, publisher: { publish: async (e: unknown[]) => void published.push(...e) }, risk: DEFAULT_RISK_CONFIG };
    let req = { runKey: 'r', scheduledTime: NOW.toISOString(), segment: 0, totalSegments: 1 } as Parameters<typeof sweepSegment>[1];
    let scanned = 0;
    for (let hops = 0; hops < 100; hops++) {
      const r = await sweepSegment(deps, req, { pageSize: 1, shouldYield: () => true });
      scanned += r.scanned;
      const next = published.filter((e) => (e as { detailType: string }).detailType === DetailType.SweepSegmentRequested).pop() as { detail: typeof req } | undefined;
      if (!r.continued || !next) break;
      published.length = 0;
      req = next.detail;
    }
    // Then every customer was scanned exactly once across the hops
    expect(scanned).toBe(4);
  });
});

/** The CLI as a new user meets it: `--local` finds the demo, `customer show` tells the whole story,
 * `campaigns preview` shows the configured shop and dates that lie ahead. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCampaignCommands } from '../../cli/campaigns.js';
import { registerCustomerCommands } from '../../cli/customer.js';
import { registerReportCommands } from '../../cli/report.js';
import { readLocalEndpoints, writeLocalEndpoints } from '../../local/endpoints.js';
import { issueUniqueCoupon } from '../../shared/coupons/issue.js';
import { randomBytes } from 'node:crypto';
import { orderEvent, profileEvent } from '../support/events.js';
import { putRaw, systemForTest } from '../support/system.js';
import { runCli } from '../support/cli.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let code = '';
const dir = mkdtempSync(join(tmpdir(), 'engage-local-'));

const run = runCli;

beforeAll(async () => {
  sys = await systemForTest();
  // Given the demo's endpoints file, and no TABLE_NAME in the shell
  process.env.ENGAGE_LOCAL_FILE = join(dir, 'local.json');
  delete process.env.TABLE_NAME;
  writeLocalEndpoints({ region: 'us-east-1', dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!, sesEndpoint: process.env.AWS_ENDPOINT_URL_SESV2!, tableName: sys.tableName });
  await putRaw(sys, [profileEvent('loc-a', { name: '赵敏', locale: 'zh-CN' }), orderEvent('loc-a', 'loc-a-1', '2026-08-01T10:00:00Z', 88)]);
  const now = new Date();
  ({ code } = await issueUniqueCoupon(sys.stores.coupons, { kind: 'percent', value: 15, expiresInDays: 14 }, { campaignId: 'win-back', customerId: 'loc-a', currency: 'CNY' }, now, randomBytes));
  await sys.stores.surveys.putSurvey({ surveyId: 'post-delivery-survey:delivered:loc-a-1', customerId: 'loc-a', campaignId: 'post-delivery-survey', kind: 'csat', expiresAt: new Date(now.getTime() + 86_400_000).toISOString(), orderId: 'loc-a-1' });
  await sys.stores.surveys.answerSurvey('loc-a', 'post-delivery-survey:delivered:loc-a-1', { score: 2, answeredAt: now.toISOString(), comment: '快递太慢了' }, 'unanswered');
  await sys.stores.customers.suppress('loc-a', 'unsubscribe', '2026-11-20T02:30:00Z');
});
afterAll(async () => {
  delete process.env.ENGAGE_LOCAL_FILE;
  await sys?.close();
});

describe('engage … --local', () => {
  it('reads the endpoints file the demo writes', () => {
    expect(readLocalEndpoints()).toMatchObject({ version: 1, tableName: sys.tableName, pid: process.pid });
  });

  it('customer show --local: suppression reason and local date, currency, coupons by hint only, survey answers', async () => {
    const text = await run((p) => registerCustomerCommands(p), 'customer', 'show', 'loc-a', '--local');
    expect(text).toContain('(times in Asia/Shanghai)');
    // 02:30 UTC is 10:30 in Shanghai
    expect(text).toContain('SUPPRESSED (unsubscribe on 2026-11-20 10:30)');
    expect(text).toMatch(/spend ¥88\.00/);
    expect(text).toContain(`••••-••••-••••-${code.slice(-2)}  15% off · win-back`);
    expect(text).not.toContain(code);
    expect(text).toMatch(/CSAT 2 · order loc-a-1 · post-delivery-survey · "快递太慢了"/);
  });

  it('without --local and without TABLE_NAME, says what is missing', async () => {
    await expect(run((p) => registerCustomerCommands(p), 'customer', 'show', 'loc-a')).rejects.toThrow(/TABLE_NAME/);
  });

  it('a missing endpoints file is named with how to get one', async () => {
    process.env.ENGAGE_LOCAL_FILE = join(dir, 'absent.json');
    try {
      await expect(run((p) => registerCustomerCommands(p), 'customer', 'show', 'loc-a', '--local')).rejects.toThrow(/npm start/);
    } finally {
      process.env.ENGAGE_LOCAL_FILE = join(dir, 'local.json');
    }
  });

  it('campaigns preview --customer --local uses the configured shop and a coupon that expires in the future', async () => {
    const out = mkdtempSync(join(tmpdir(), 'preview-'));
    process.env.SHOP_NAME = '茶与枫';
    try {
      await run((p) => registerCampaignCommands(p), 'campaigns', 'preview', 'win-back', '--customer', 'loc-a', '--local', '--out', out);
    } finally {
      delete process.env.SHOP_NAME;
    }
    const text = readFileSync(join(out, 'win-back.zh-CN.txt'), 'utf8');
    expect(text).toContain('茶与枫');
    expect(text).toContain('88 Demo Road'); // the local demo's address, as dispatch gets it
    // The real last order, and a validity date after today (the sample's used to lie in the past)
    expect(text).toContain('2026年8月1日');
    const until = /有效期至 (\d{4})年(\d{1,2})月(\d{1,2})日/.exec(text);
    expect(until).not.toBeNull();
    const [, y, m, d] = until!.map(Number);
    expect(Date.UTC(y!, m! - 1, d!)).toBeGreaterThan(Date.now());
  });

  it('report --local writes one self-contained HTML file in the chosen language; report campaigns still answers', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.html');
    // The base's totals are as of the last daily sweep (the KPI counters' current state)
    await sys.sweep(new Date());
    const said = await run((p) => registerReportCommands(p), 'report', '--local', '--lang', 'zh-CN', '--out', file);
    expect(said).toMatch(/^wrote .*r\.html \(1 customers, 1 orders/);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(html).toContain('<svg');
    expect(html).toContain('复购率');
    expect(await run((p) => registerReportCommands(p), 'report', 'campaigns', '--local')).toMatch(/No campaign has mailed/);
  });
});

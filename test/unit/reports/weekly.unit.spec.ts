import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderReportArchive } from '../../../shared/reports/archive.js';
import { reportedWeek, runWeeklyReport, type WeeklyReportDeps } from '../../../shared/reports/weekly.js';
import type { MailResult, OutgoingMail } from '../../../shared/mail/port.js';
import type { KpiData, KpiQuery } from '../../../shared/reports/kpis.js';

const MONDAY = new Date('2026-11-23T06:00:00Z');

function given(results: MailResult[], extra: Partial<WeeklyReportDeps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'engage-weekly-'));
  const sent: OutgoingMail[] = [];
  const queries: KpiQuery[] = [];
  const kpis: KpiData = {
    generatedAt: MONDAY.toISOString(), currency: 'CNY', timeZone: 'Asia/Shanghai',
    totals: { customers: 10, buyers: 8, repeatBuyers: 3, repeatPurchaseRate: 0.375, orders: 20, revenue: 2000, aov: 100 },
    days: [], weeks: [{ period: '2026-11-16', newCustomers: 2, returningCustomers: 3, reactivated: 1, churned: 1, upgraded: 0, downgraded: null, orders: 5, revenue: 512.5, aov: 102.5, repeatPurchaseRate: 0.6, csat: { responses: 0, average: null }, nps: { responses: 0, score: null } }],
    flow: { new: 2, active: 5, atRisk: 2, churned: 1, reactivated: 1 }, rfm: [], risk: { byLevel: {}, pAliveHistogram: [] }, cohorts: [], clvByTier: [],
    campaigns: [], lowComments: [],
  } as unknown as KpiData;
  const deps: WeeklyReportDeps = {
    kpis: { readKpis: async (q) => (queries.push(q), kpis) },
    archive: new FolderReportArchive(dir),
    mailer: { send: async (m) => (sent.push(m), results.shift() ?? { kind: 'sent', messageId: `m-${sent.length}` }) },
    from: 'hello@shop.example.com',
    to: 'marketer@shop.example.com',
    shop: { name: 'Maple Tea', currency: 'CNY' },
    lang: 'en',
    clock: () => MONDAY,
    ...extra,
  };
  return { dir, sent, queries, deps };
}

describe('runWeeklyReport', () => {
  it('given Monday, it reports the week that ended as of its end, archives the page and mails the digest once', async () => {
    const { dir, sent, queries, deps } = given([]);
    expect(await runWeeklyReport(deps, MONDAY)).toEqual({ week: '2026-11-16', location: join(dir, 'reports/2026-11-16.html'), digest: 'sent' });
    expect(queries[0]!.now.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(readFileSync(join(dir, 'reports/2026-11-16.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'marketer@shop.example.com', subject: 'Maple Tea: your week in Engage (week of 2026-11-16)' });
    expect(sent[0]!.text).toContain('Orders: 5');
    expect(sent[0]!.text).toContain('reports/2026-11-16.html');
    // When the scheduler retries the run (or it runs late on Tuesday)
    expect(await runWeeklyReport(deps, new Date('2026-11-24T06:00:00Z'))).toMatchObject({ week: '2026-11-16', digest: 'already-sent' });
    expect(sent).toHaveLength(1);
  });

  it('given SES throttles, it releases the claim and throws, so the retry mails it', async () => {
    const { sent, deps } = given([{ kind: 'retry', reason: 'Throttling' }]);
    await expect(runWeeklyReport(deps, MONDAY)).rejects.toThrow(/Throttling/);
    expect(await runWeeklyReport(deps, MONDAY)).toMatchObject({ digest: 'sent' });
    expect(sent).toHaveLength(2);
  });

  it('given the SES answer was lost, it never mails again (the digest may have gone out)', async () => {
    const { sent, deps } = given([{ kind: 'unknown', reason: 'timeout' }]);
    expect(await runWeeklyReport(deps, MONDAY)).toMatchObject({ digest: 'unknown' });
    expect(await runWeeklyReport(deps, MONDAY)).toMatchObject({ digest: 'already-sent' });
    expect(sent).toHaveLength(1);
  });

  it('without a marketer address it only archives; in Chinese the digest is in Chinese', async () => {
    const { sent, deps } = given([], { to: undefined as unknown as string });
    const { to: _none, ...noRecipient } = deps;
    expect(await runWeeklyReport(noRecipient, MONDAY)).toMatchObject({ digest: 'no-recipient' });
    expect(sent).toHaveLength(0);
    const zh = given([], { lang: 'zh-CN' });
    await runWeeklyReport(zh.deps, MONDAY);
    expect(zh.sent[0]!.subject).toBe('Maple Tea：Engage 本周报告（2026-11-16 当周）');
  });

  it('reportedWeek is the ISO week before the one the run falls in', () => {
    expect(reportedWeek(new Date('2026-11-23T06:00:00Z'))).toBe('2026-11-16');
    expect(reportedWeek(new Date('2026-11-29T23:00:00Z'))).toBe('2026-11-16');
  });
});

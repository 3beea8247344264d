/**
 * The weekly report in AWS: every Monday the report of the week that ended is written to the
 * private report bucket, and a short digest of its KPIs is mailed to the marketer. A scheduler
 * retry or a second run for the same week rewrites the same object and never mails twice: the
 * digest is claimed first (a conditional create of its marker), released only when SES certainly
 * did not take the mail, and kept when the outcome is unknown (never duplicated).
 */
import type { Mailer } from '../mail/port.js';
import { formatMoney } from '../campaigns/render.js';
import { escapeHtml } from '../links/pages.js';
import type { Clock } from '../platform/ports.js';
import { DAY_MS } from '../platform/time.js';
import { buildReport, type FlowReport } from './index.js';
import type { KpiData } from './kpis.js';
import { LABELS, type ReportLang } from './labels.js';
import type { KpiSource } from './port.js';
import { weekOf } from './snapshot.js';

/** Where reports are kept: S3 in AWS (./s3.ts), a folder locally. */
export interface ReportArchive {
  /** Writes (or rewrites) the object; returns where it is. */
  put(key: string, body: string, contentType: string): Promise<string>;
  /** Creates the object only if it does not exist: true when this call created it. */
  createOnce(key: string, body: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

export interface WeeklyReportDeps {
  kpis: KpiSource;
  archive: ReportArchive;
  mailer: Mailer;
  from: string;
  /** The marketer's address; without one the report is only archived. */
  to?: string;
  shop: { name: string; currency: string };
  lang: ReportLang;
  clock: Clock;
  /** The flows' reports (their counters), for the report's Flows section; without it the section is left out. */
  flows?: () => Promise<readonly FlowReport[]>;
}

export type WeeklyReportOutcome = {
  week: string;
  location: string;
  digest: 'sent' | 'already-sent' | 'no-recipient' | 'unknown' | 'rejected';
};

/** The ISO week (its Monday) that ended last before `at`. */
export const reportedWeek = (at: Date): string => weekOf(new Date(at.getTime() - 7 * DAY_MS).toISOString().slice(0, 10));

export async function runWeeklyReport(deps: WeeklyReportDeps, scheduledTime: Date): Promise<WeeklyReportOutcome> {
  const week = reportedWeek(scheduledTime);
  // Judged as of the end of that week, so a late retry reports the same week the same way.
  const now = new Date(Date.parse(`${week}T00:00:00Z`) + 7 * DAY_MS);
  const { kpis, html } = await buildReport(deps.kpis, { now }, deps.lang, { shopName: deps.shop.name, ...(deps.flows ? { flows: await deps.flows() } : {}) });
  const location = await deps.archive.put(`reports/${week}.html`, html, 'text/html; charset=utf-8');
  if (!deps.to) return { week, location, digest: 'no-recipient' };
  const marker = `digests/${week}.json`;
  if (!(await deps.archive.createOnce(marker, JSON.stringify({ claimedAt: deps.clock().toISOString() })))) return { week, location, digest: 'already-sent' };
  const result = await deps.mailer.send({ to: deps.to, from: deps.from, ...digestMail(kpis, week, location, deps), tags: { report: week } });
  if (result.kind === 'retry') {
    await deps.archive.remove(marker);
    throw new Error(`weekly digest ${week}: SES did not take it (${result.reason}); the run will be retried`);
  }
  return { week, location, digest: result.kind === 'sent' ? 'sent' : result.kind };
}

const DIGEST = {
  en: { subject: (shop: string, week: string) => `${shop}: your week in Engage (week of ${week})`, full: 'The full report' },
  'zh-CN': { subject: (shop: string, week: string) => `${shop}：Engage 本周报告（${week} 当周）`, full: '完整报告' },
} as const;

/** A few lines a marketer reads on a phone: the week's numbers, the campaigns, where the report is. */
export function digestMail(k: KpiData, week: string, location: string, deps: Pick<WeeklyReportDeps, 'lang' | 'shop'>): { subject: string; html: string; text: string } {
  const L = LABELS[deps.lang];
  const w = k.weeks.find((p) => p.period === week) ?? k.weeks.at(-1);
  const money = (n: number) => formatMoney(n, deps.lang, deps.shop.currency);
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
  const lines: Array<[string, string]> = [
    [L.orders, String(w?.orders ?? 0)],
    [L.revenue, money(w?.revenue ?? 0)],
    [L.aov, w?.aov === null || w?.aov === undefined ? '—' : money(w.aov)],
    [L.newCustomers, String(w?.newCustomers ?? 0)],
    [L.returningCustomers, String(w?.returningCustomers ?? 0)],
    [L.reactivated, String(w?.reactivated ?? 0)],
    [L.churned, String(w?.churned ?? 0)],
    [L.repeatPurchaseRate, pct(w?.repeatPurchaseRate)],
  ];
  const campaigns = k.campaigns.map((c) => `${c.campaignId}: ${L.funnelSteps[0]} ${c.sent} · ${L.funnelSteps[4]} ${c.converted} · ${L.revenue} ${money(c.revenue)}`);
  const t = DIGEST[deps.lang];
  const text = [`${L.weekOf} ${week}`, ...lines.map(([a, b]) => `${a}: ${b}`), '', `${L.campaigns}:`, ...campaigns, '', `${t.full}: ${location}`].join('\n');
  const html = `<!doctype html><html lang="${deps.lang}"><body style="font-family:sans-serif"><h2>${escapeHtml(`${L.weekOf} ${week}`)}</h2><table>${lines
    .map(([a, b]) => `<tr><td>${escapeHtml(a)}</td><td style="text-align:right"><b>${escapeHtml(b)}</b></td></tr>`)
    .join('')}</table><h3>${escapeHtml(L.campaigns)}</h3><ul>${campaigns.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul><p>${escapeHtml(t.full)}: ${escapeHtml(location)}</p></body></html>`;
  return { subject: t.subject(deps.shop.name, week), html, text };
}

/** The marketer's report: KPIs from a KpiSource, rendered to one self-contained HTML page. */
import type { KpiData, KpiQuery } from './kpis.js';
import type { KpiSource } from './port.js';
import { reportHtml } from './html.js';
import type { ReportLang } from './labels.js';

export type { KpiData, KpiQuery } from './kpis.js';
export type { KpiSource } from './port.js';
export { CounterKpiSource } from './counters-source.js';
export { parseLang, type ReportLang } from './labels.js';
export { reportHtml } from './html.js';

export async function buildReport(source: KpiSource, q: KpiQuery, lang: ReportLang, opts: { shopName?: string } = {}): Promise<{ kpis: KpiData; html: string }> {
  const kpis = await source.readKpis(q);
  return { kpis, html: reportHtml(kpis, lang, opts) };
}

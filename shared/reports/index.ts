/** The marketer's report: KPIs from a KpiSource, rendered to one self-contained HTML page. */
import type { KpiData, KpiQuery } from './kpis.js';
import type { KpiSource } from './port.js';
import { reportHtml } from './html.js';
import type { ReportLang } from './labels.js';
import type { FlowReport } from './flows.js';

export type { KpiData, KpiQuery } from './kpis.js';
export type { KpiSource } from './port.js';
export { CounterKpiSource } from './counters-source.js';
export { parseLang, type ReportLang } from './labels.js';
export { reportHtml } from './html.js';
export { flowReportOf, readFlowReports, type FlowReport, type AbSplitReport } from './flows.js';

/** `flows`: the flows' reports, read beside the KPIs (the flow counters are the flow store's, not a KpiSource's). */
export async function buildReport(source: KpiSource, q: KpiQuery, lang: ReportLang, opts: { shopName?: string; flows?: readonly FlowReport[] } = {}): Promise<{ kpis: KpiData; html: string }> {
  const kpis = await source.readKpis(q);
  return { kpis, html: reportHtml(kpis, lang, opts) };
}

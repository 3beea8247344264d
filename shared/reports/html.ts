/**
 * The report as one self-contained HTML file: inline CSS, every chart an inline SVG, no script,
 * no font or image fetched — it opens offline and can be mailed or archived as it is. The
 * console shows the same page with its navigation on top.
 */
import { formatMoney } from '../campaigns/render.js';
import { escapeHtml } from '../links/pages.js';
import * as charts from './charts.js';
import type { KpiData, PeriodKpi } from './kpis.js';
import { LABELS, type ReportLabels, type ReportLang } from './labels.js';
import { renderSvg } from './svg.js';
import type { FlowReport } from './flows.js';
import { flowsHtml } from './flows-html.js';
import { groupByTopic } from './topics.js';

export const REPORT_CSS = `body{font-family:${charts.FONT};color:#2b2b2b;background:#f4f1ec;margin:0}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:0 0 12px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0}.muted{color:#777;font-size:13px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}.tile{background:#faf7f2;border-radius:6px;padding:10px 12px}
.tile b{display:block;font-size:20px;overflow-wrap:anywhere}.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:800px){.grid2{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee}td.n,th.n{text-align:right}
figure{margin:0}svg{max-width:100%;height:auto}nav{background:#2b2b2b;padding:10px 24px}nav a{color:#fff;margin-right:18px;text-decoration:none}
blockquote{margin:4px 0 4px 0;padding:4px 10px;border-left:3px solid #c9a227;background:#faf7f2}`;

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const fig = (id: string, svg: string) => `<figure id="chart-${id}" data-chart="${id}">${svg}</figure>`;

function tiles(k: KpiData, L: ReportLabels, money: (n: number) => string, last: PeriodKpi | undefined): string {
  const t = k.totals;
  const tile = (id: string, label: string, value: string) => `<div class="tile" data-kpi="${id}"><span class="muted">${escapeHtml(label)}</span><b>${escapeHtml(value)}</b></div>`;
  return `<div class="tiles">${[
    tile('customers', L.customers, String(t.customers)),
    tile('buyers', L.buyers, String(t.buyers)),
    tile('repeatPurchaseRate', L.repeatPurchaseRate, pct(t.repeatPurchaseRate)),
    tile('orders', L.orders, String(t.orders)),
    tile('revenue', L.revenue, money(t.revenue)),
    tile('aov', L.aov, t.aov === null ? '—' : money(t.aov)),
    tile('newCustomers', `${L.newCustomers} · ${L.weekOf} ${last?.period ?? ''}`, String(last?.newCustomers ?? 0)),
    tile('reactivated', `${L.reactivated} · ${L.weekOf} ${last?.period ?? ''}`, String(last?.reactivated ?? 0)),
    tile('churned', `${L.churned} · ${L.weekOf} ${last?.period ?? ''}`, String(last?.churned ?? 0)),
  ].join('')}</div>`;
}

function campaignTable(k: KpiData, L: ReportLabels, money: (n: number) => string): string {
  if (!k.campaigns.length) return `<p class="muted">${L.noData}</p>`;
  const n = (v: number | null) => (v === null ? `<span class="muted" title="${L.notMeasured}">—</span>` : String(v));
  const rows = k.campaigns.map((c) => {
    const lift = c.lift.kind === 'report' ? `${pct(c.lift.absoluteLift.estimate)} [${pct(c.lift.absoluteLift.low)} … ${pct(c.lift.absoluteLift.high)}]` : '—';
    return `<tr data-campaign="${escapeHtml(c.campaignId)}"><td>${escapeHtml(c.campaignId)}</td>${[c.sent, c.delivered, c.opened, c.clicked, c.converted].map((v) => `<td class="n">${n(v)}</td>`).join('')}<td class="n">${c.control}</td><td class="n">${c.unsubscribed}</td><td class="n">${c.bounced}</td><td class="n">${money(c.revenue)}</td><td class="n">${c.clickOrders}</td><td class="n">${money(c.clickRevenue)}</td><td class="n">${lift}</td></tr>`;
  });
  const head = [L.campaign, ...L.funnelSteps, L.control, L.unsubscribed, L.bounced, L.revenue, L.clickOrders, L.clickRevenue, 'Lift'].map((h, i) => `<th${i ? ' class="n"' : ''}>${escapeHtml(h)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="muted">— ${L.notMeasured}</p>`;
}

function comments(k: KpiData, L: ReportLabels, lang: ReportLang): string {
  const groups = groupByTopic(k.lowComments);
  if (!groups.length) return `<p class="muted">${L.noData}</p>`;
  const list = groups
    .map((g) => `<div data-topic="${g.topic}"><h3>${escapeHtml(L.topics[g.topic])} <span class="muted">(${g.count})</span></h3>${g.latest.map((c) => `<blockquote>${escapeHtml(c.comment)} <span class="muted">— ${c.kind.toUpperCase()} ${c.score} · ${escapeHtml(c.campaignId)} · ${c.at.slice(0, 10)}</span></blockquote>`).join('')}</div>`)
    .join('');
  return `<div class="grid2">${fig('topics', renderSvg(charts.commentTopics(groups, L), 420, 40 + groups.length * 36))}<div lang="${lang}">${list}</div></div>`;
}

/** `flows`: the Flows section (shared/reports/flows.ts); without it the section is left out, for
 * callers that do not load the flow definitions. */
export function reportHtml(k: KpiData, lang: ReportLang, opts: { shopName?: string; nav?: string; flows?: readonly FlowReport[] } = {}): string {
  const L = LABELS[lang];
  const money = (n: number) => formatMoney(n, lang, k.currency);
  const weeks = k.weeks;
  const body = [
    `<section id="headline"><h2>${L.headline}</h2>${tiles(k, L, money, weeks.at(-1))}</section>`,
    `<section id="trends"><h2>${L.trends}</h2>${fig('customers', renderSvg(charts.customerTrends(weeks, L), 1040, 320))}${fig('revenue', renderSvg(charts.revenueTrends(weeks, L), 1040, 300))}</section>`,
    `<section id="flow" class="grid2"><div><h2>${L.flow}</h2>${fig('flow', renderSvg(charts.customerFlow(k.flow, L), 500, 300))}</div><div><h2>${L.rfm}</h2>${fig('rfm', renderSvg(charts.rfmGrid(k.rfm, L), 500, 320))}</div></section>`,
    `<section id="risk"><h2>${L.risk}</h2>${fig('risk', renderSvg(charts.riskDistribution(k.risk, L), 1040, 300))}</section>`,
    `<section id="cohorts"><h2>${L.cohorts}</h2>${k.cohorts.length ? fig('cohorts', renderSvg(charts.cohortRetention(k.cohorts, L), 1040, 120 + k.cohorts.length * 26)) : `<p class="muted">${L.noData}</p>`}</section>`,
    `<section id="clv"><h2>${L.clv}</h2>${k.clvByTier.some((t) => t.customers) ? fig('clv', renderSvg(charts.clvByTier(k.clvByTier, L), 1040, 280)) : `<p class="muted">${L.noData}</p>`}</section>`,
    `<section id="campaigns"><h2>${L.funnel}</h2>${k.campaigns.length ? fig('funnel', renderSvg(charts.campaignFunnel(k.campaigns, L), 1040, 300)) : ''}<h2>${L.lift}</h2><p class="muted">${L.liftNote}</p>${k.campaigns.some((c) => c.lift.kind === 'report') ? fig('lift', renderSvg(charts.campaignLift(k.campaigns, L), 1040, 280)) : ''}${campaignTable(k, L, money)}</section>`,
    ...(opts.flows ? [`<section id="flows"><h2>${L.flows.title}</h2>${flowsHtml(opts.flows, L.flows, L.noData)}</section>`] : []),
    `<section id="satisfaction"><h2>${L.surveys}</h2>${fig('satisfaction', renderSvg(charts.satisfactionTrend(weeks, L), 1040, 280))}<h2>${L.lowComments}</h2>${comments(k, L, lang)}</section>`,
  ].join('\n');
  const title = `${L.title}${opts.shopName ? ` · ${opts.shopName}` : ''}`;
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head><body>${opts.nav ?? ''}<main><h1>${escapeHtml(title)}</h1><p class="muted">${L.generated} ${escapeHtml(k.generatedAt.slice(0, 16).replace('T', ' '))} UTC · ${escapeHtml(k.timeZone)} · ${escapeHtml(k.currency)}</p>\n${body}\n</main></body></html>`;
}

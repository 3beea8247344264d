/**
 * The report's Flows section: per flow its figures (entered, control, waiting, done, exits, sent per
 * send step) and per A/B split one row per variant with its rate, 95 % interval, P(best) and the
 * winner, in the report's language. Plain tables: the page stays script-free and prints as it is.
 */
import { escapeHtml } from '../links/pages.js';
import type { AbSplitReport, FlowReport } from './flows.js';
import type { FlowLabels } from './labels.js';

export const flowPct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const th = (h: string, i: number) => `<th${i ? ' class="n"' : ''}>${escapeHtml(h)}</th>`;
const td = (v: string | number) => `<td class="n">${escapeHtml(String(v))}</td>`;

function figures(f: FlowReport, L: FlowLabels): string {
  const exits = Object.entries(f.exited).map(([reason, n]) => `${reason} ${n}`).join(' · ') || '0';
  const head = [L.entered, L.control, L.waiting, L.done, L.exited].map((h) => `<th class="n">${escapeHtml(h)}</th>`).join('');
  const row = [f.entered, f.control, f.waiting, f.done, exits].map(td).join('');
  const sends = f.sends.length
    ? `<table data-flow-sends="${escapeHtml(f.flowId)}"><thead><tr>${[L.step, L.sent].map(th).join('')}</tr></thead><tbody>${f.sends.map((s) => `<tr data-step="${escapeHtml(s.stepId)}"><td>${escapeHtml(s.stepId)}</td>${td(s.sent)}</tr>`).join('')}</tbody></table>`
    : '';
  return `<table data-flow-figures="${escapeHtml(f.flowId)}"><thead><tr>${head}</tr></thead><tbody><tr>${row}</tr></tbody></table>${sends}`;
}

function abSplit(a: AbSplitReport, L: FlowLabels): string {
  // Revenue per recipient is an amount, the other metrics are shares.
  const value = (v: number | null) => (a.metric === 'revenue' ? (v === null ? '—' : v.toFixed(2)) : flowPct(v));
  const rule = L.winnerRule.replace('{threshold}', flowPct(a.threshold)).replace('{min}', String(a.minRecipients));
  const head = [L.variant, L.recipients, a.metric === 'click' ? L.clicks : L.conversions, a.metric === 'revenue' ? L.metrics.revenue : L.rate, L.interval, L.pBest, ''].map(th).join('');
  const rows = a.variants.map((v) => {
    const won = v.id === a.winner;
    return `<tr data-variant="${escapeHtml(v.id)}"${won ? ' data-winner="true"' : ''}><td>${won ? '<b>' : ''}${escapeHtml(v.id)}${won ? '</b>' : ''}</td>${td(v.recipients)}${td(v.successes)}${td(value(v.rate))}${td(`${value(v.interval[0])} … ${value(v.interval[1])}`)}${td(flowPct(v.pBest))}<td>${won ? `★ ${escapeHtml(L.winner)}` : ''}</td></tr>`;
  });
  const verdict = a.winner ? `${L.winner}: <b>${escapeHtml(a.winner)}</b>` : escapeHtml(L.noWinner);
  return `<div data-ab-split="${escapeHtml(a.stepId)}"><h4>${escapeHtml(L.abSplit)} · ${escapeHtml(a.stepId)} <span class="muted">(${escapeHtml(L.metrics[a.metric])})</span></h4><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="muted">${verdict} — ${escapeHtml(rule)}</p></div>`;
}

/** The section's body; `noData` when no flow is configured. */
export function flowsHtml(flows: readonly FlowReport[], L: FlowLabels, noData: string): string {
  if (!flows.length) return `<p class="muted">${escapeHtml(noData)}</p>`;
  const blocks = flows.map((f) => `<div data-flow="${escapeHtml(f.flowId)}"><h3>${escapeHtml(f.name)} <span class="muted">${escapeHtml(f.flowId)}</span></h3>${figures(f, L)}${f.abSplits.map((a) => abSplit(a, L)).join('')}</div>`);
  return `<p class="muted">${escapeHtml(L.note)}</p>${blocks.join('')}`;
}

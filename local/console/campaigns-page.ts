/** Campaigns: every campaign's configuration, its recent sends with outcomes, and its results. */
import type { CompiledCampaign } from '../../shared/campaigns/render.js';
import type { SendRecord } from '../../shared/campaigns/port.js';
import type { CampaignKpi } from '../../shared/reports/kpis.js';
import { esc, layout, pill, table } from './layout.js';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const trigger = (c: CompiledCampaign['campaign']) => esc(JSON.stringify(c.trigger));

export function campaignsList(campaigns: CompiledCampaign[], kpis: CampaignKpi[]): string {
  const rows = campaigns.map(({ campaign: c }) => {
    const k = kpis.find((x) => x.campaignId === c.id);
    return [`<a href="/campaigns/${esc(c.id)}">${esc(c.id)}</a>`, esc(c.name), esc(c.kind), trigger(c), c.enabled ? 'yes' : 'no', String(k?.sent ?? 0), String(k?.converted ?? 0), k?.lift.kind === 'report' ? pct(k.lift.absoluteLift.estimate) : '—'];
  });
  return layout('/campaigns', 'Campaigns', `<h1>Campaigns</h1><section>${table(['Id', 'Name', 'Kind', 'Trigger', 'Enabled', 'Sent', 'Converted', 'Lift'], rows, (i) => ` data-campaign="${esc(campaigns[i]!.campaign.id)}"`)}</section>`);
}

export function campaignDetail(c: CompiledCampaign, sends: Array<SendRecord & { customerId: string }>, k: CampaignKpi | undefined): string {
  const cfg = c.campaign;
  const outcomes = new Map<string, number>();
  for (const s of sends) {
    const key = s.status === 'skipped' || s.status === 'deferred' ? `${s.status}:${s.reason ?? ''}` : s.status;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  const recent = [...sends].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 50);
  const lift = k?.lift;
  const liftText =
    lift?.kind === 'report'
      ? `recipients ${lift.recipients.members} convert ${pct(lift.recipients.conversionRate)}, control ${lift.control.members} convert ${pct(lift.control.conversionRate)}; lift ${pct(lift.absoluteLift.estimate)} (95 % interval ${pct(lift.absoluteLift.low)} … ${pct(lift.absoluteLift.high)})${lift.significant ? ', significant' : ', not significant'}`
      : `not enough data (${esc(lift?.reason ?? 'no sends')})`;
  const body = `<h1>${esc(cfg.name)} <span class="muted">${esc(cfg.id)}</span></h1>
<section id="config"><h2>Configuration</h2>${table(['Setting', 'Value'], [
    ['Kind', esc(cfg.kind)],
    ['Trigger', trigger(cfg)],
    ['Audience', esc(JSON.stringify(cfg.audience))],
    ['Holdout', `${cfg.holdoutPercent} %`],
    ['When capped', esc(cfg.onCapped)],
    ['Coupon', cfg.coupon ? esc(JSON.stringify(cfg.coupon)) : '—'],
    ['Survey', cfg.survey ? esc(JSON.stringify(cfg.survey)) : '—'],
    ['Locales', esc(Object.keys(cfg.templates).join(', '))],
  ])}<p><a href="/preview?campaign=${esc(cfg.id)}">Preview this email</a></p></section>
<section id="outcomes"><h2>Outcomes</h2>${outcomes.size ? table(['Outcome', 'Count'], [...outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([o, n]) => [pill(o), String(n)])) : '<p class="muted">No decisions yet.</p>'}</section>
<section id="lift"><h2>Lift vs holdout</h2><p>${liftText}</p>${k ? `<p>Converted ${k.converted} · revenue ${k.revenue.toFixed(2)} · unsubscribed ${k.unsubscribed} · bounced ${k.bounced}</p>` : ''}</section>
<section id="sends"><h2>Recent sends (${recent.length} of ${sends.length})</h2>${table(
    ['When (UTC)', 'Customer', 'Outcome', 'Detail'],
    recent.map((s) => [esc(s.at.slice(0, 16).replace('T', ' ')), `<a href="/customers/${esc(encodeURIComponent(s.customerId))}">${esc(s.customerId)}</a>`, pill(s.status), esc([s.reason, s.messageId, s.until && `until ${s.until}`].filter(Boolean).join(' · '))]),
  )}</section>`;
  return layout('/campaigns', cfg.name, body);
}

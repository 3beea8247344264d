/** Customer lookup: the read model (profile, scores, tier, points) and the statement behind it. */
import { couponHintOf, localTime, type CustomerLookup } from '../../shared/customers/lookup.js';
import { formatMoney } from '../../shared/campaigns/render.js';
import { resolveTimeZone } from '../../shared/platform/time.js';
import { esc, layout, pill, table } from './layout.js';

const search = (id = '') =>
  `<form class="inline" method="get" action="/customers"><label>Customer id<br><input name="id" value="${esc(id)}" required></label><button type="submit">Look up</button></form>`;

export function customerSearch(message?: string, examples: string[] = []): string {
  const list = examples.length ? `<p>Recently mailed: ${examples.map((id) => `<a href="/customers/${esc(encodeURIComponent(id))}">${esc(id)}</a>`).join(', ')}</p>` : '';
  return layout('/customers', 'Customers', `<h1>Customer lookup</h1><section>${search()}${message ? `<p class="muted" id="message">${esc(message)}</p>` : ''}${list}</section>`);
}

export function customerDetail(id: string, v: CustomerLookup, shop: { currency: string; timeZone?: string }): string {
  const c = v.customer;
  const p = c?.profile;
  const tz = resolveTimeZone(p?.timeZone, shop.timeZone);
  const at = (iso?: string) => esc(localTime(iso, tz));
  const money = (n: number, cur = shop.currency) => esc(formatMoney(n, p?.locale ?? 'en', cur));
  const pr = c?.prediction;
  const profile = table(['Field', 'Value'], [
    ['Name', esc(p?.name ?? '—')],
    ['Email', esc(p?.email ?? '—')],
    ['Language · time zone', esc(p ? `${p.locale} · ${p.timeZone}` : '—')],
    ['Birthday', esc(p?.birthday ?? '—')],
    ['Marketing consent', p ? (p.marketingConsent ? 'yes' : 'no') : '—'],
    ['Suppressed', c?.suppressed ? `<strong>yes</strong> — ${esc(c.suppression?.reason ?? 'reason unknown')} on ${at(c.suppression?.at)}` : c?.resubscribed ? `no (subscribed again on ${at(c.resubscribed.at)})` : 'no'],
    ['Orders', c ? `${c.summary.orders} on ${c.summary.purchaseDays} days · ${money(c.summary.spend)}${c.summary.firstDay ? ` · first ${esc(c.summary.firstDay)} · last ${esc(c.summary.lastDay ?? '')}` : ''}` : '—'],
    ['Risk', c?.risk ? `${esc(c.risk.level)} (${esc(c.risk.method)}) since ${at(c.risk.since)}` : 'not scored'],
    ['Segment', esc(c?.segment ?? '—')],
    ['Prediction', pr ? `P(alive) ${pr.pAlive.toFixed(2)} · every ~${Math.round(pr.avgDaysBetweenOrders)} days · next ~${esc(pr.expectedNextOrderDay)}${pr.clv12m !== undefined ? ` · CLV 12 m ${money(pr.clv12m)}` : ''}` : '—'],
    ['Tier', esc(c?.tier ?? v.loyalty?.tier ?? '—') + (v.loyalty ? ` since ${at(c?.tierSince ?? v.loyalty.tierSince)}` : '')],
    ['Points', String(c?.points ?? v.loyalty?.balance ?? 0)],
  ]);
  const coupons = v.coupons.length
    ? table(['Code', 'Terms', 'Campaign', 'Issued', 'State'], v.coupons.map((k) => [
        `<code>${esc(couponHintOf(k))}</code>`,
        k.kind === 'percent' ? `${k.value}% off` : `${money(k.value, k.currency)} off`,
        esc(k.campaignId),
        at(k.issuedAt),
        k.redeemedBy ? `redeemed (order ${esc(k.redeemedBy)})` : Date.parse(k.expiresAt) < Date.now() ? `expired ${at(k.expiresAt)}` : `valid until ${at(k.expiresAt)}`,
      ]))
    : '<p class="muted">No coupons.</p>';
  const messages = v.sends.length
    ? table(['When', 'Campaign', 'Outcome', 'Detail', ''], v.sends.map((m) => [at(m.at), esc(m.campaignId), pill(m.status), esc([m.reason, m.messageId, m.until && `until ${localTime(m.until, tz)}`].filter(Boolean).join(' · ')), `<a href="/preview?campaign=${esc(m.campaignId)}&customer=${esc(encodeURIComponent(id))}">preview</a>`]))
    : '<p class="muted">No messages.</p>';
  const answered = v.surveys.filter((x) => x.answer);
  const surveys = answered.length
    ? table(['When', 'Survey', 'Score', 'Comment'], answered.map((x) => [at(x.answer!.answeredAt), esc(`${x.kind.toUpperCase()} · ${x.campaignId}${x.orderId ? ` · order ${x.orderId}` : ''}`), String(x.answer!.score), `<span lang="${p?.locale ?? 'en'}">${esc(x.answer!.comment ?? '')}</span>`]))
    : `<p class="muted">No answers (${v.surveys.length} asked).</p>`;
  const body = `<h1 lang="${p?.locale ?? 'en'}">${esc(p?.name ?? id)} <span class="muted">${esc(id)} · times in ${esc(tz)}</span></h1><section>${search(id)}</section>
<section id="profile"><h2>Profile and scores</h2>${profile}</section>
<section id="coupons"><h2>Coupons (${v.coupons.length})</h2>${coupons}</section>
<section id="messages"><h2>Messages (${v.sends.length})</h2>${messages}</section>
<section id="surveys"><h2>Survey answers</h2>${surveys}</section>`;
  return layout('/customers', p?.name ?? id, body);
}

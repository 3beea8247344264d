/**
 * `engage customer show <id>`: one customer as Engage sees them — profile (with suppression reason
 * and date), order summary in the shop currency, scores, loyalty tier and points, the latest
 * ledger entries, every message with its outcome, coupons (by the code's last two characters,
 * never the code) and survey answers. Times are shown in the customer's own time zone.
 *
 * Reads the table named by TABLE_NAME with the default AWS credential and region chain, or the
 * running demo's with `--local` (npm start writes its endpoints to .engage/local.json).
 *
 * `engage customer forget <id>`: GDPR/PIPL erasure, the same as publishing
 * customer.erase-requested (see shared/privacy/erase.ts). Irreversible; safe to repeat.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { eraseCustomer } from '../shared/privacy/erase.js';
import { couponHintOf, localTime, lookupCustomer, type CustomerLookup } from '../shared/customers/lookup.js';
import { formatMoney } from '../shared/campaigns/render.js';
import { resolveTimeZone } from '../shared/platform/time.js';
import { withLocalOption, withTable } from './table.js';
import { configuredShop } from './shop.js';

export interface CustomerCommandIo {
  stdout?: { write(s: string): unknown };
  /** Injected by tests; otherwise built from the environment. */
  dynamodb?: DynamoDBClient;
}

const RECENT_LEDGER = 10;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const row = (label: string, value: string) => `  ${label.padEnd(11)}${value}\n`;

export function formatCustomerView(id: string, v: CustomerLookup, shop: { currency: string; timeZone?: string }): string {
  const { customer: c, loyalty: l } = v;
  const p = c?.profile;
  const tz = resolveTimeZone(p?.timeZone, shop.timeZone);
  const at = (iso: string | undefined) => localTime(iso, tz);
  const money = (n: number) => formatMoney(n, p?.locale ?? 'en', shop.currency);
  let s = `Customer ${id}   (times in ${tz})\n`;
  const suppression = c?.suppressed ? ` · SUPPRESSED (${c.suppression?.reason ?? 'reason unknown'}${c.suppression?.at ? ` on ${at(c.suppression.at)}` : ''})` : '';
  s += row('Profile', p ? `${p.name} <${p.email}> · ${p.locale} · ${p.timeZone}${p.birthday ? ` · birthday ${p.birthday}` : ''} · consent ${p.marketingConsent ? 'yes' : 'no'}${suppression}` : '(none)');
  const sum = c?.summary;
  s += row('Orders', sum ? `${sum.orders} orders on ${sum.purchaseDays} days · spend ${money(sum.spend)}${sum.firstDay ? ` · first ${sum.firstDay} · last ${sum.lastDay}` : ''}` : '(none)');
  s += row('Risk', c?.risk ? `${c.risk.level} (${c.risk.method}) since ${at(c.risk.since)} · judged on last order ${c.risk.lastOrderDay}` : '(not scored)');
  s += row('Segment', c?.segment ?? '(none)');
  const pr = c?.prediction;
  s += row(
    'Prediction',
    pr
      ? `P(alive) ${pr.pAlive.toFixed(2)} · every ~${Math.round(pr.avgDaysBetweenOrders)} days · next ~${pr.expectedNextOrderDay}${pr.clv12m !== undefined ? ` · CLV 12m ${money(pr.clv12m)}` : ''} · model v${pr.modelVersion}`
      : '(none)',
  );
  if (c?.tier && l) {
    s += row('Tier', `${c.tier} since ${at(c.tierSince ?? l.tierSince)}${l.grace ? ` · in grace until ${at(l.grace.until)}` : ''} · joined ${at(l.memberSince)}`);
    const lots = Object.entries(l.lots)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, lot]) => `${k}: ${lot.points}`)
      .join(', ');
    s += row('Points', `${c.points ?? l.balance}${lots ? ` (by month credited: ${lots})` : ''}${l.unrecoverable ? ` · forgiven ${l.unrecoverable}` : ''}`);
  } else {
    s += row('Tier', '(no loyalty activity yet)');
  }
  const recent = v.ledger.slice(-RECENT_LEDGER).reverse();
  s += `  Ledger (latest ${recent.length} of ${v.ledger.length})\n`;
  for (const e of recent) s += `    ${at(e.at)}  ${e.kind.padEnd(8)} ${signed(e.points).padStart(7)} → ${String(e.balanceAfter).padStart(7)}  ${e.key}${e.couponValue ? ` · coupon ${e.couponValue}` : ''}${e.kind === 'history' ? ` · ${e.folded} imported entries since ${at(e.since!)}, ${e.earned} earned` : ''}\n`;
  s += `  Messages (${v.sends.length})\n`;
  for (const m of v.sends) {
    const detail = [m.reason, m.messageId && `message ${m.messageId}`, m.until && `until ${at(m.until)}`].filter(Boolean).join(' · ');
    s += `    ${at(m.at)}  ${m.campaignId}  ${m.status}${detail ? `  ${detail}` : ''}\n`;
  }
  s += `  Coupons (${v.coupons.length})\n`;
  for (const k of v.coupons) {
    const terms = k.kind === 'percent' ? `${k.value}% off` : `${formatMoney(k.value, p?.locale ?? 'en', k.currency)} off`;
    const state = k.redeemedBy ? `redeemed by order ${k.redeemedBy} on ${at(k.redeemedAt)}` : Date.parse(k.expiresAt) < Date.now() ? `expired ${at(k.expiresAt)}` : `valid until ${at(k.expiresAt)}`;
    s += `    ${couponHintOf(k)}  ${terms}${k.minSpend !== undefined ? ` over ${formatMoney(k.minSpend, p?.locale ?? 'en', k.currency)}` : ''} · ${k.campaignId} · issued ${at(k.issuedAt)} · ${state}\n`;
  }
  const answered = v.surveys.filter((x) => x.answer);
  s += `  Survey answers (${answered.length} of ${v.surveys.length} asked)\n`;
  for (const x of answered) {
    const a = x.answer!;
    s += `    ${at(a.answeredAt)}  ${x.kind.toUpperCase()} ${a.score}${x.orderId ? ` · order ${x.orderId}` : ''} · ${x.campaignId}${a.comment ? ` · "${a.comment}"` : ''}\n`;
  }
  return s;
}

export function registerCustomerCommands(program: Command, io: CustomerCommandIo = {}): Command {
  const customer = program.commands.find((c) => c.name() === 'customer') ?? program.command('customer').description('look up customers in the Engage table');
  const write = (s: string) => (io.stdout ?? process.stdout).write(s);
  withLocalOption(
    customer
      .command('show <id>')
      .description('profile, summary, scores, tier, points, ledger, messages, coupons and survey answers of one customer (TABLE_NAME, or --local)')
      .option('--json', 'print the raw view as JSON'),
  ).action(async (id: string, o: { json?: boolean; local?: boolean }) => {
    await withTable(
      o,
      async (t) => {
        const view = await lookupCustomer(t.stores, id);
        if (!view.customer && !view.loyalty) throw new Error(`no customer "${id}" in table ${t.tableName}`);
        write(o.json ? `${JSON.stringify(view, null, 2)}\n` : formatCustomerView(id, view, configuredShop().info));
      },
      io.dynamodb,
    );
  });
  withLocalOption(
    customer
      .command('forget <id>')
      .description('erase a customer (GDPR/PIPL): delete every item and coupon, keep only a hash of the address on the suppression list (TABLE_NAME, or --local)'),
  ).action(async (id: string, o: { local?: boolean }) => {
    await withTable(
      o,
      async (t) => {
        // The same function as the customer.erase-requested event, so both paths erase alike.
        const s = await eraseCustomer(t.stores, id, new Date());
        write(`Customer ${id} erased: ${s.itemsDeleted} items, ${s.couponsDeleted} coupons deleted; address ${s.suppressed ? 'suppressed (hash kept)' : 'not on file (already erased?)'}\n`);
      },
      io.dynamodb,
    );
  });
  return customer;
}

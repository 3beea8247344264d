/**
 * `engage customer show <id>`: one customer as Engage sees them — profile, order summary, scores,
 * loyalty tier and points, the latest ledger entries and every message with its outcome.
 *
 * Reads the table named by TABLE_NAME with the default AWS credential and region chain. Against
 * the local system (npm start) point the SDK at DynamoDB Local with the standard variable, e.g.
 *   AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 AWS_REGION=us-east-1 \
 *   AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local TABLE_NAME=engage-local \
 *   npm run engage -- customer show c-42
 *
 * `engage customer forget <id>`: GDPR/PIPL erasure, the same as publishing
 * customer.erase-requested (see shared/privacy/erase.ts). Irreversible; safe to repeat.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { eraseCustomer } from '../shared/privacy/erase.js';
import type { CustomerView as CustomerReadModel } from '../shared/customers/view.js';
import type { LedgerEntry, LoyaltyState } from '../shared/loyalty/index.js';
import type { SendRecord } from '../shared/campaigns/port.js';
import type { TableStores } from '../shared/platform/runtime/deps.js';
import { openTable } from './table.js';

export interface CustomerCommandIo {
  stdout?: { write(s: string): unknown };
  /** Injected by tests; otherwise built from the environment. */
  dynamodb?: DynamoDBClient;
}

/** The customer read model plus the statement behind it: point lots, ledger and messages. */
export interface CustomerView {
  customer: CustomerReadModel | null;
  loyalty: LoyaltyState | null;
  ledger: LedgerEntry[];
  sends: SendRecord[];
}

const RECENT_LEDGER = 10;

export async function loadCustomerView(stores: TableStores, customerId: string): Promise<CustomerView> {
  const [customer, state, ledger, sends] = await Promise.all([
    stores.customers.readCustomer(customerId),
    stores.loyalty.load(customerId),
    stores.loyalty.listLedger(customerId),
    stores.sends.listSends(customerId),
  ]);
  return { customer, loyalty: state.loyalty?.value.state ?? null, ledger, sends };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const row = (label: string, value: string) => `  ${label.padEnd(11)}${value}\n`;

export function formatCustomerView(id: string, v: CustomerView): string {
  const { customer: c, loyalty: l } = v;
  let s = `Customer ${id}\n`;
  const p = c?.profile;
  s += row(
    'Profile',
    p
      ? `${p.name} <${p.email}> · ${p.locale} · ${p.timeZone}${p.birthday ? ` · birthday ${p.birthday}` : ''} · consent ${p.marketingConsent ? 'yes' : 'no'}${c?.suppressed ? ' · SUPPRESSED' : ''}`
      : '(none)',
  );
  const sum = c?.summary;
  s += row('Orders', sum ? `${sum.orders} orders on ${sum.purchaseDays} days · spend ${sum.spend}${sum.firstDay ? ` · first ${sum.firstDay} · last ${sum.lastDay}` : ''}` : '(none)');
  s += row('Risk', c?.risk ? `${c.risk.level} (${c.risk.method}) since ${c.risk.since} · judged on last order ${c.risk.lastOrderDay}` : '(not scored)');
  s += row('Segment', c?.segment ?? '(none)');
  const pr = c?.prediction;
  s += row(
    'Prediction',
    pr
      ? `P(alive) ${pr.pAlive.toFixed(2)} · every ~${Math.round(pr.avgDaysBetweenOrders)} days · next ~${pr.expectedNextOrderDay}${pr.clv12m !== undefined ? ` · CLV 12m ${pr.clv12m.toFixed(2)}` : ''} · model v${pr.modelVersion}`
      : '(none)',
  );
  if (c?.tier && l) {
    s += row('Tier', `${c.tier} since ${c.tierSince ?? l.tierSince}${l.grace ? ` · in grace until ${l.grace.until}` : ''} · joined ${l.memberSince}`);
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
  for (const e of recent) s += `    ${e.at}  ${e.kind.padEnd(8)} ${signed(e.points).padStart(7)} → ${String(e.balanceAfter).padStart(7)}  ${e.key}${e.couponValue ? ` · coupon ${e.couponValue}` : ''}\n`;
  const sends = [...v.sends].sort((a, b) => b.at.localeCompare(a.at));
  s += `  Messages (${sends.length})\n`;
  for (const m of sends) {
    const detail = [m.reason, m.messageId && `message ${m.messageId}`, m.until && `until ${m.until}`].filter(Boolean).join(' · ');
    s += `    ${m.at}  ${m.campaignId}  ${m.status}${detail ? `  ${detail}` : ''}\n`;
  }
  return s;
}

export function registerCustomerCommands(program: Command, io: CustomerCommandIo = {}): Command {
  const customer = program.commands.find((c) => c.name() === 'customer') ?? program.command('customer').description('look up customers in the Engage table');
  customer
    .command('show <id>')
    .description('profile, summary, scores, tier, points, recent ledger entries and messages of one customer (reads TABLE_NAME)')
    .option('--json', 'print the raw view as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const t = openTable(io.dynamodb);
      try {
        const view = await loadCustomerView(t.stores, id);
        if (!view.customer && !view.loyalty) throw new Error(`no customer "${id}" in table ${t.tableName}`);
        (io.stdout ?? process.stdout).write(o.json ? `${JSON.stringify(view, null, 2)}\n` : formatCustomerView(id, view));
      } finally {
        t.close();
      }
    });
  customer
    .command('forget <id>')
    .description('erase a customer (GDPR/PIPL): delete every item and coupon, keep only a hash of the address on the suppression list (reads TABLE_NAME)')
    .action(async (id: string) => {
      const t = openTable(io.dynamodb);
      try {
        // The same function as the customer.erase-requested event, so both paths erase alike.
        const s = await eraseCustomer(t.stores, id, new Date());
        (io.stdout ?? process.stdout).write(
          `Customer ${id} erased: ${s.itemsDeleted} items, ${s.couponsDeleted} coupons deleted; address ${s.suppressed ? 'suppressed (hash kept)' : 'not on file (already erased?)'}\n`,
        );
      } finally {
        t.close();
      }
    });
  return customer;
}

/**
 * Campaign results against their holdout: for every member (mailed or control) count an order
 * placed within `windowDays` after the decision as a conversion, with its net revenue. Reads
 * the send records and the members' own orders; an operator report, not a hot path.
 */
import { liftReport, type GroupOutcome, type LiftReport } from './lift.js';
import type { PlacedOrder } from '../orders/port.js';
import type { SendRecord } from './port.js';

export interface ReportSource {
  sends: { sendRecords(): AsyncIterable<SendRecord & { customerId: string }> };
  orders: { listOrders(customerId: string): Promise<PlacedOrder[]> };
}

export interface CampaignResult {
  campaignId: string;
  recipients: GroupOutcome;
  control: GroupOutcome;
  lift: LiftReport;
}

export async function campaignReport(src: ReportSource, windowDays: number): Promise<CampaignResult[]> {
  const groups = new Map<string, { recipients: GroupOutcome; control: GroupOutcome }>();
  const ordersOf = new Map<string, Promise<PlacedOrder[]>>();
  const windowMs = windowDays * 86_400_000;
  for await (const r of src.sends.sendRecords()) {
    if (r.status !== 'sent' && r.status !== 'control') continue;
    const g = groups.get(r.campaignId) ?? { recipients: empty(), control: empty() };
    groups.set(r.campaignId, g);
    const group = r.status === 'sent' ? g.recipients : g.control;
    if (!ordersOf.has(r.customerId)) ordersOf.set(r.customerId, src.orders.listOrders(r.customerId));
    const from = Date.parse(r.at);
    const after = (await ordersOf.get(r.customerId)!).filter((o) => {
      const t = Date.parse(o.placedAt);
      return t > from && t <= from + windowMs;
    });
    group.members++;
    if (after.length > 0) group.converters++;
    group.revenue += after.reduce((sum, o) => sum + o.net, 0);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([campaignId, g]) => ({ campaignId, ...g, lift: liftReport(g.recipients, g.control) }));
}

const empty = (): GroupOutcome => ({ members: 0, converters: 0, revenue: 0 });

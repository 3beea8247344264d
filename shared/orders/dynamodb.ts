/** OrderStore over the Engage table (access patterns 1–3 in shared/platform/table/keys.ts). */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, cancellationAt, isConflict, mergeGuard, versionGuard } from '../platform/table/dynamodb.js';
import { TableAttr, keyId, keys } from '../platform/table/keys.js';
import { emptyOrder, emptySummary, type OrderState, type OrderSummary } from './decide.js';
import { DAYS_ATTR, LEGACY_DAY_PREFIX, daysFromLegacyItems, daysOf, storedDays } from './stored-days.js';
import type { OrderCommit, OrderContext, OrderStore, PlacedOrder } from './port.js';
import type { RiskState } from '../customers/record.js';
import { TOUCH_PREFIX, kpiUpdate, type Touch } from '../platform/table/counters.js';
import { emptyMarks, type KpiMarks } from './kpi.js';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** The customer item is shared with profiles, scores and the tier: its first summary write only
 * requires that no summary version exists yet, not that the item is absent. */
const summaryGuard = (v: number) => (v === 0 ? { ConditionExpression: 'attribute_not_exists(#v)', ExpressionAttributeNames: { '#v': TableAttr.version } } : versionGuard(v));

export class DynamoOrderStore extends DynamoTable implements OrderStore {
  /** One BatchGetItem (strongly consistent); a legacy customer's DAY# items once. */
  async loadOrderContext(customerId: string, orderId: string): Promise<OrderContext> {
    const wanted = [keys.customer(customerId), keys.order(customerId, orderId), keys.erased(customerId)];
    const items = await this.batchGet(wanted);
    const customer = items.get(keyId(wanted[0]!));
    const order = items.get(keyId(wanted[1]!));
    const orderState = (order?.state as OrderState | undefined) ?? emptyOrder();
    const days = daysOf(customer) ?? daysFromLegacyItems(await this.queryPrefix(keys.customer(customerId).pk, LEGACY_DAY_PREFIX));
    return {
      erased: items.has(keyId(keys.erased(customerId))),
      summary: { value: (customer?.summary as OrderSummary | undefined) ?? emptySummary(), v: (customer?.[TableAttr.version] as number) ?? 0 },
      days,
      order: { value: orderState, v: (order?.[TableAttr.version] as number) ?? 0 },
      ...(customer?.risk ? { risk: customer.risk as RiskState } : {}),
      kpiMarks: (customer?.kpiMarks as KpiMarks | undefined) ?? emptyMarks(),
      touches: Object.fromEntries(Object.entries(customer ?? {}).flatMap(([k, v]) => (k.startsWith(TOUCH_PREFIX) ? [[k.slice(TOUCH_PREFIX.length), v as Touch]] : []))),
      ...(customer?.lastClick ? { lastClick: customer.lastClick as { campaignId: string; at: string } } : {}),
    };
  }

  async commitOrder(c: OrderCommit): Promise<'ok' | 'conflict' | 'erased'> {
    const checked = this.tombstoneCheckUnless(c.customerId, c.summary.v);
    const marks = c.kpi?.marks;
    const touches = Object.entries(c.kpi?.touches ?? {});
    const items: TransactItems = [
      ...checked,
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.order(c.customerId, c.orderId), state: c.order.value, [TableAttr.version]: c.order.v + 1 },
          ...versionGuard(c.order.v),
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.customer(c.customerId),
          UpdateExpression: `SET summary = :s, customerId = :c, #g = :c, #v = :next${c.days ? ', #d = :d' : ''}${marks ? ', kpiMarks = :km' : ''}${touches.map((_, i) => `, #t${i} = :t${i}`).join('')}`,
          ...mergeGuard(summaryGuard(c.summary.v), {
            ExpressionAttributeNames: { '#g': TableAttr.gsi1pk, '#v': TableAttr.version, ...(c.days ? { '#d': DAYS_ATTR } : {}), ...Object.fromEntries(touches.map(([id], i) => [`#t${i}`, `${TOUCH_PREFIX}${id}`])) },
            ExpressionAttributeValues: { ':s': c.summary.value, ':c': c.customerId, ':next': c.summary.v + 1, ...(c.days ? { ':d': storedDays(c.days) } : {}), ...(marks ? { ':km': marks } : {}), ...Object.fromEntries(touches.map(([, t], i) => [`:t${i}`, t])) },
          }),
        },
      },
    ];
    // The counters ride on the guarded transaction: a refused (duplicate, raced) commit counts nothing.
    for (const d of c.kpi?.deltas ?? []) items.push(kpiUpdate(this.tableName, d));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok';
    } catch (e) {
      if (checked.length && cancellationAt(e, 0) === 'ConditionalCheckFailed') return 'erased';
      // incl. a concurrent transaction, and the customer item deleted by an erasure: read again
      if (isConflict(e)) return 'conflict';
      throw e;
    }
  }

  async listOrders(customerId: string): Promise<PlacedOrder[]> {
    const items = await this.queryPrefix(keys.customer(customerId).pk, keys.orderPrefix, { consistent: false });
    return items.flatMap((i) => {
      const o = i.state as OrderState;
      if (!o.placedAt || o.cancelledAt) return [];
      return [{ placedAt: o.placedAt, net: Math.max(0, (o.total ?? 0) - o.refunded) }];
    });
  }
}

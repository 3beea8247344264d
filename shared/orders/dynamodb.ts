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
import { OPEN_ORDERS_ATTR, decodeOpenOrders, encodeOpenOrders } from './open-orders.js';

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
    const open = decodeOpenOrders(customer?.[OPEN_ORDERS_ATTR]);
    const onOwnItem = order !== undefined;
    const orderState = (order?.state as OrderState | undefined) ?? open[orderId]?.state ?? emptyOrder();
    const days = daysOf(customer) ?? daysFromLegacyItems(await this.queryPrefix(keys.customer(customerId).pk, LEGACY_DAY_PREFIX));
    return {
      erased: items.has(keyId(keys.erased(customerId))),
      summary: { value: (customer?.summary as OrderSummary | undefined) ?? emptySummary(), v: (customer?.[TableAttr.version] as number) ?? 0 },
      days,
      order: { value: orderState, v: (order?.[TableAttr.version] as number) ?? 0, onOwnItem },
      open,
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
    // The open orders are SET whole (bounded by MAX_OPEN_ORDERS), or REMOVEd once none is left.
    const open = c.open === undefined ? undefined : Object.keys(c.open).length ? encodeOpenOrders(c.open) : null;
    const items: TransactItems = [
      ...checked,
      ...(c.order.onOwnItem
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.order(c.customerId, c.orderId), state: c.order.value, [TableAttr.version]: c.order.v + 1 },
                ...versionGuard(c.order.v),
              },
            },
          ]
        : []),
      {
        Update: {
          TableName: this.tableName,
          Key: keys.customer(c.customerId),
          // The customer's version guards the open orders too: they are on the same item.
          UpdateExpression: `SET summary = :s, customerId = :c, #g = :c, #v = :next${c.days ? ', #d = :d' : ''}${open ? ', #oo = :oo' : ''}${marks ? ', kpiMarks = :km' : ''}${touches.map((_, i) => `, #t${i} = :t${i}`).join('')}${open === null ? ' REMOVE #oo' : ''}`,
          ...mergeGuard(summaryGuard(c.summary.v), {
            ExpressionAttributeNames: { '#g': TableAttr.gsi1pk, '#v': TableAttr.version, ...(c.days ? { '#d': DAYS_ATTR } : {}), ...(open !== undefined ? { '#oo': OPEN_ORDERS_ATTR } : {}), ...Object.fromEntries(touches.map(([id], i) => [`#t${i}`, `${TOUCH_PREFIX}${id}`])) },
            ExpressionAttributeValues: { ':s': c.summary.value, ':c': c.customerId, ':next': c.summary.v + 1, ...(c.days ? { ':d': storedDays(c.days) } : {}), ...(open ? { ':oo': open } : {}), ...(marks ? { ':km': marks } : {}), ...Object.fromEntries(touches.map(([, t], i) => [`:t${i}`, t])) },
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

  /** The orders Engage still keeps state for: open ones on the customer item, and ORDER# items. */
  async listOrders(customerId: string): Promise<PlacedOrder[]> {
    const customer = await this.get(keys.customer(customerId));
    const items = await this.queryPrefix(keys.customer(customerId).pk, keys.orderPrefix, { consistent: false });
    const states = [...Object.values(decodeOpenOrders(customer?.[OPEN_ORDERS_ATTR])).map((o) => o.state), ...items.map((i) => i.state as OrderState)];
    return states.flatMap((o) => {
      if (!o.placedAt || o.cancelledAt) return [];
      return [{ placedAt: o.placedAt, net: Math.max(0, (o.total ?? 0) - o.refunded) }];
    });
  }
}

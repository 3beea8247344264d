/** LoyaltyStore over the Engage table (items and access patterns 11–14 in shared/platform/table/keys.ts). */
import { kpiUpdate } from '../platform/table/counters.js';
import { GetCommand, QueryCommand, paginateQuery, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, cancellationAt, isConflict, type Item } from '../platform/table/dynamodb.js';
import { customerIdOfPk, keyId, keys, LOYALTY_DUE_INDEX, NEVER_DUE, TableAttr } from '../platform/table/keys.js';
import type { Versioned } from '../platform/ports.js';
import { instantMs } from '../platform/time.js';
import type { LedgerEntry, LoyaltyOrder, LoyaltyState } from './index.js';
import type { OpenOrders } from './open-orders.js';
import type { DueQuery, LoyaltyCommit, LoyaltyItem, LoyaltyStore, Outbox } from './port.js';

/** Keys per due-index page: a keys-only item is ~100 bytes, so one page reads ~10 KB. */
const DUE_PAGE = 500;

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

const created = { ConditionExpression: 'attribute_not_exists(pk)' };


const toLoyalty = (item: Item): Versioned<LoyaltyItem> => ({
  value: {
    state: item.state as LoyaltyState,
    outbox: (item.outbox as Outbox | undefined) ?? {},
    ...(typeof item[TableAttr.loyaltyDueOn] === 'string' ? { dueOn: item[TableAttr.loyaltyDueOn] as string } : {}),
    ...(item.open ? { open: item.open as OpenOrders } : {}),
    ...(item.history ? { history: item.history as LedgerEntry } : {}),
  },
  v: item[TableAttr.version] as number,
});

export class DynamoLoyaltyStore extends DynamoTable implements LoyaltyStore {
  async load(customerId: string, orderId?: string) {
    const wanted = [keys.loyalty(customerId), keys.erased(customerId), ...(orderId ? [keys.loyaltyOrder(customerId, orderId)] : [])];
    const found = await this.batchGet(wanted);
    const loyalty = found.get(keyId(wanted[0]!));
    // A view on its own item is one stored before views moved onto the state item; an earn entry
    // there without a view is an old import's (an order older than its refund window).
    const order = orderId ? found.get(keyId(wanted[2]!)) : undefined;
    return {
      erased: found.has(keyId(wanted[1]!)),
      loyalty: loyalty ? toLoyalty(loyalty) : null,
      order: order?.order ? { value: order.order as LoyaltyOrder, v: order[TableAttr.version] as number } : null,
    };
  }

  async loadMany(customerIds: string[], opts: { consistent?: boolean } = {}): Promise<Map<string, Versioned<LoyaltyItem>>> {
    const found = await this.batchGet(customerIds.map((id) => keys.loyalty(id)), opts);
    return new Map([...found.values()].map((item) => [item.customerId as string, toLoyalty(item)]));
  }

  async queryDue(q: DueQuery, cursor?: Record<string, string>): Promise<{ customerIds: string[]; cursor?: Record<string, string> }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LOYALTY_DUE_INDEX,
        KeyConditionExpression: q.from ? '#p = :p AND #on BETWEEN :from AND :to' : '#p = :p AND #on <= :to',
        ExpressionAttributeNames: { '#p': TableAttr.loyaltyDueShard, '#on': TableAttr.loyaltyDueOn },
        ExpressionAttributeValues: { ':p': q.partition, ':to': q.to, ...(q.from ? { ':from': q.from } : {}) },
        Limit: DUE_PAGE,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    return {
      customerIds: (out.Items ?? []).map((i) => customerIdOfPk(i.pk as string)),
      ...(out.LastEvaluatedKey ? { cursor: out.LastEvaluatedKey as Record<string, string> } : {}),
    };
  }

  async getLedgerEntry(customerId: string, key: string): Promise<LedgerEntry | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.ledger(customerId, key), ConsistentRead: true }));
    return (out.Item?.entry as LedgerEntry | undefined) ?? null;
  }

  /** The whole statement, oldest first: entries are keyed by cause, so time order is by `at`. */
  async listLedger(customerId: string): Promise<LedgerEntry[]> {
    // LEDGER#… sorts just before LOYALTY, and nothing else of the partition between them: one
    // Query reads the entries and the state item's open orders and folded history. Items of
    // (older) order views that have not earned carry no entry.
    const items: Item[] = [];
    const { pk, sk } = keys.loyalty(customerId);
    for await (const page of paginateQuery({ client: this.db }, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': pk, ':from': keys.ledgerPrefix, ':to': sk }, ConsistentRead: true })) {
      items.push(...(page.Items ?? []));
    }
    const onState = (item: Item) => [...(item.history ? [item.history as LedgerEntry] : []), ...Object.values((item.open as OpenOrders | undefined) ?? {}).flatMap((o) => o.entries)];
    const entries = items.flatMap((item) => (item.sk === sk ? onState(item) : item.entry ? [item.entry as LedgerEntry] : []));
    return entries.sort((a, b) => instantMs(a.at) - instantMs(b.at) || a.key.localeCompare(b.key));
  }

  async commit(c: LoyaltyCommit): Promise<'ok' | 'conflict' | 'erased'> {
    const put = (Item: Item, guard: object) => ({ Put: { TableName: this.tableName, Item, ...guard } });
    // The order's earn entry goes onto its order view's item (keys.loyaltyOrder).
    const earn = c.order ? c.entries.find((e) => keys.ledger(c.customerId, e.key).sk === keys.loyaltyOrder(c.customerId, c.order!.orderId).sk) : undefined;
    const checked = this.tombstoneCheckUnless(c.customerId, c.loyalty.v);
    const items: TransactItems = [
      ...checked,
      this.stateUpdate(c),
      ...(c.order ? [this.orderView(c.customerId, c.order, earn)] : []),
      ...c.entries.filter((e) => e !== earn).map((entry) => put({ ...keys.ledger(c.customerId, entry.key), customerId: c.customerId, entry }, created)),
      // With its pointer in the customer's partition, as every coupon (shared/coupons/dynamodb.ts):
      // customer lookups list it, and erasure finds it.
      ...c.coupons.flatMap((coupon) => [put({ ...keys.coupon(coupon.codeHash), coupon }, created), put({ ...keys.couponRef(c.customerId, coupon.codeHash), codeHash: coupon.codeHash }, {})]),
      ...(c.customerTier
        ? [{ Update: { TableName: this.tableName, Key: keys.customer(c.customerId), UpdateExpression: 'SET tier = :t, customerId = :c', ExpressionAttributeValues: { ':t': c.customerTier, ':c': c.customerId } } }]
        : []),
      ...(c.kpi ? [kpiUpdate(this.tableName, c.kpi)] : []),
    ];
    try {
      // The state item alone (an order event of a known member): one conditional write, no transaction.
      if (items.length === 1) await this.db.send(new UpdateCommand(items[0]!.Update!));
      else await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok';
    } catch (e) {
      if (checked.length && cancellationAt(e, 0) === 'ConditionalCheckFailed') return 'erased';
      if (isConflict(e)) return 'conflict';
      throw e;
    }
  }

  /** SET, not Put: open orders and the folded history stay as they are unless the commit gives them. */
  private stateUpdate(c: LoyaltyCommit) {
    const first = c.loyalty.v === 0;
    const { open, history } = c.loyalty.value;
    const values = {
      ':c': c.customerId,
      ':s': c.loyalty.value.state,
      ':o': c.loyalty.value.outbox,
      ':next': c.loyalty.v + 1,
      ':shard': keys.loyaltyDueShardKey(keys.loyaltyShardOf(c.customerId)),
      ':on': c.due.on,
      ':n': c.due.next,
      ...(first ? {} : { ':v': c.loyalty.v }),
      ...(open ? { ':open': open } : {}),
      ...(open && history ? { ':h': history } : {}),
    };
    const sets = ['customerId = :c', '#state = :s', 'outbox = :o', '#ver = :next', '#shard = :shard', '#on = :on', 'nextOn = :n', ...(open ? ['#open = :open'] : []), ...(open && history ? ['#hist = :h'] : [])];
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.loyalty(c.customerId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: first ? 'attribute_not_exists(pk)' : '#ver = :v',
        ExpressionAttributeNames: { '#state': 'state', '#ver': TableAttr.version, '#shard': TableAttr.loyaltyDueShard, '#on': TableAttr.loyaltyDueOn, ...(open ? { '#open': 'open' } : {}), ...(open && history ? { '#hist': 'history' } : {}) },
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * The order view under its version (an Update: an imported earn entry without a view keeps its
   * entry); the earn entry added only where the item has none, as a Put with
   * attribute_not_exists would for a separate item.
   */
  private orderView(customerId: string, order: NonNullable<LoyaltyCommit['order']>, earn: LedgerEntry | undefined) {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.loyaltyOrder(customerId, order.orderId),
        UpdateExpression: `SET #o = :o, customerId = :c, #v = :next${earn ? ', #e = :e' : ''}`,
        ConditionExpression: `${order.v === 0 ? 'attribute_not_exists(#v)' : '#v = :v'}${earn ? ' AND attribute_not_exists(#e)' : ''}`,
        ExpressionAttributeNames: { '#o': 'order', '#v': TableAttr.version, ...(earn ? { '#e': 'entry' } : {}) },
        ExpressionAttributeValues: { ':o': order.value, ':c': customerId, ':next': order.v + 1, ...(order.v === 0 ? {} : { ':v': order.v }), ...(earn ? { ':e': earn } : {}) },
      },
    };
  }

  async clearOutbox(customerId: string, eventKeys: string[]): Promise<void> {
    if (eventKeys.length === 0) return;
    const names = Object.fromEntries(eventKeys.map((k, i) => [`#k${i}`, k]));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.loyalty(customerId),
          // Nothing waits any more: the due date goes back to the next action (see ./due.ts).
          UpdateExpression: `REMOVE ${Object.keys(names).map((n) => `outbox.${n}`).join(', ')} SET #on = if_not_exists(nextOn, :never)`,
          ConditionExpression: 'attribute_exists(outbox)',
          ExpressionAttributeNames: { ...names, '#on': TableAttr.loyaltyDueOn },
          ExpressionAttributeValues: { ':never': NEVER_DUE },
        }),
      );
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
}

/**
 * The bulk-write adapter of the import: the items the capability adapters write one event at a
 * time (orders/dynamodb.ts, customers/dynamodb.ts, loyalty/dynamodb.ts), built from a folded
 * history and written with BatchWriteItem, 25 requests a call, several calls in flight. Every
 * item is written whole at version 1, so writing the same customer twice gives the same items.
 *
 * The CUSTOMER item goes last, after every other item of its customer: it is what scans, dispatch
 * and the existence check see, so a crash mid-customer leaves nothing visible and a re-run
 * rewrites that customer whole. It carries `imported` (source hash, history digest) so a re-run
 * over the same input recognises it; an existing CUSTOMER item is never overwritten.
 *
 * BatchWriteItem takes no conditions, so the erasure tombstone (shared/privacy/erase.ts) is
 * checked twice: at lookup (an erased id is never written) and again after the batch is written.
 * Erasure writes its tombstone before it deletes the partition, so an erasure that raced the
 * batch is either seen by the second look (the import deletes what it wrote) or deletes the
 * batch's items itself (its delete lists the partition after the second look).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, type Item } from '../platform/table/dynamodb.js';
import { TableAttr, keyId, keys } from '../platform/table/keys.js';
import { itemsToKeep, type FoldContext, type FoldedCustomer } from './fold.js';
import type { Checkpoint, Existing, ImportStore } from './port.js';
import { createHash } from 'node:crypto';
import { mergeDeltas } from '../platform/table/counters.js';
import { birthdayDueKey, loyaltyDue } from '../loyalty/due.js';
import { DAYS_ATTR, storedDays } from '../orders/stored-days.js';
import { MAX_OPEN_ORDERS, OPEN_ORDERS_ATTR, encodeOpenOrders } from '../orders/open-orders.js';

const V = TableAttr.version;
/** BatchWrite calls in flight per write(): DynamoDB Local is CPU-bound well before this. */
const IN_FLIGHT = 8;
const CHUNK = 25;

export function customerItems(folded: FoldedCustomer, ctx: FoldContext, source: string, suppression?: { reason: string; at: string }): { rest: Item[]; customer: Item } {
  const id = folded.customerId;
  const kept = itemsToKeep(folded, ctx);
  const rest: Item[] = [
    // As order ingest places them: on the customer item while there is room, then items of their own.
    ...kept.orders.slice(MAX_OPEN_ORDERS).map(([orderId, state]) => ({ ...keys.order(id, orderId), state, [V]: 1 })),
    ...kept.ledger.map((entry) => ({ ...keys.ledger(id, entry.key), customerId: id, entry })),
    // As the loyalty commit writes a view it has no room for on the state item: with its earn entry.
    ...kept.ownItems.map((o) => {
      const earn = o.entries.find((e) => e.key === `earn#${o.order.orderId}`);
      return { ...keys.loyaltyOrder(id, o.order.orderId), customerId: id, order: o.order, [V]: 1, ...(earn ? { entry: earn } : {}) };
    }),
    // As the loyalty commit writes it: the open orders' views and entries and the folded history on the state item.
    ...(folded.loyalty ? [{ ...loyaltyItem(id, folded.loyalty, ctx), open: kept.open, ...(kept.history ? { history: kept.history } : {}) }] : []),
  ];
  // The birthday in the loyalty due index, as the profile write puts it (access pattern 21).
  const bday = birthdayDueKey(folded.profile?.birthday);
  const onItem = kept.orders.slice(0, MAX_OPEN_ORDERS);
  const customer: Item = {
    ...keys.customer(id),
    customerId: id,
    [TableAttr.gsi1pk]: id,
    [V]: 1,
    ...(folded.summary ? { summary: folded.summary, [DAYS_ATTR]: storedDays(folded.days) } : {}),
    ...(onItem.length ? { [OPEN_ORDERS_ATTR]: encodeOpenOrders(Object.fromEntries(onItem.map(([orderId, state]) => [orderId, { state }]))) } : {}),
    ...(folded.profile ? { profile: folded.profile } : {}),
    // As putSuppressedProfile writes it: a listed address is stored suppressed with the profile.
    ...(suppression ? { suppressed: true, suppression, suppressionReasons: new Set([suppression.reason]) } : {}),
    // As the loyalty commit copies it, for scans of the customers index.
    ...(folded.loyalty ? { tier: folded.loyalty.tier } : {}),
    // As order ingest leaves them: present once an order was applied, even when a cancellation emptied them.
    ...(Object.keys(folded.kpiMarks.months).length || folded.summary ? { kpiMarks: folded.kpiMarks } : {}),
    ...(bday ? { [TableAttr.loyaltyDueShard]: keys.birthdayShardKey(keys.loyaltyShardOf(id)), [TableAttr.loyaltyDueOn]: bday } : {}),
    imported: { source, digest: folded.digest },
  };
  return { rest, customer };
}

/** The member's state with its next due date, as the loyalty commit writes it (access pattern 20):
 * without it the daily sweep would not see an imported member until a tier review wrote it. */
function loyaltyItem(id: string, state: NonNullable<FoldedCustomer['loyalty']>, ctx: FoldContext): Item {
  const due = loyaltyDue(state, {}, ctx.now, ctx.loyalty);
  return { ...keys.loyalty(id), customerId: id, state, outbox: {}, [V]: 1, [TableAttr.loyaltyDueShard]: keys.loyaltyDueShardKey(keys.loyaltyShardOf(id)), [TableAttr.loyaltyDueOn]: due.on, nextOn: due.next };
}

/**
 * The batch's KPI counters, summed per day in memory, as one item per day beside the live shards
 * (sk DAY#<day>#imp<batch>): a Put, so writing the same batch again gives the same items. Written
 * after the CUSTOMER items: a crash in between loses the batch's counters (its customers are then
 * recognised as imported and skipped) rather than counting them twice.
 */
export function importCounters(folded: readonly FoldedCustomer[], source: string): Item[] {
  if (folded.length === 0) return [];
  const batch = createHash('sha256').update(source).update(folded.map((f) => `${f.customerId}\0${f.digest}`).sort().join('\n')).digest('base64url').slice(0, 12);
  const byDay = mergeDeltas(folded.flatMap((f) => f.kpi.map((d) => ({ ...d, shard: 0 }))));
  return byDay.map((d) => ({ pk: keys.kpiMonthPk(d.day.slice(0, 7)), sk: `${keys.kpiDayPrefix}${d.day}#imp${batch}`, ...d.counts }));
}

export class DynamoImportStore extends DynamoTable implements ImportStore {
  async lookup(customerIds: string[], emailHashes: string[]) {
    const found = await this.batchGet([
      ...customerIds.flatMap((id) => [keys.customer(id), keys.erased(id)]),
      ...emailHashes.map((h) => keys.suppressedAddress(h)),
    ]);
    const existing = new Map<string, Existing>();
    for (const id of customerIds) {
      const item = found.get(keyId(keys.customer(id)));
      const imported = item?.imported as { digest?: string } | undefined;
      existing.set(
        id,
        found.has(keyId(keys.erased(id))) ? { kind: 'erased' } : !item ? { kind: 'absent' } : imported?.digest ? { kind: 'imported', digest: imported.digest } : { kind: 'live' },
      );
    }
    const suppressed = new Map<string, { reason: string; at: string }>();
    for (const h of emailHashes) {
      const item = found.get(keyId(keys.suppressedAddress(h)));
      if (item) suppressed.set(h, { reason: item.reason as string, at: item.at as string });
    }
    return { existing, suppressed };
  }

  async write(customers: ReadonlyArray<{ folded: FoldedCustomer; suppression?: { reason: string; at: string } }>, ctx: FoldContext, source: string): Promise<{ written: number; erased: number }> {
    const built = customers.map((c) => ({ id: c.folded.customerId, ...customerItems(c.folded, ctx, source, c.suppression) }));
    const rest = built.flatMap((b) => b.rest);
    await this.putAll(rest);
    await this.putAll(built.map((b) => b.customer));
    const tombstones = await this.batchGet(built.map((b) => keys.erased(b.id)));
    const erased = built.filter((b) => tombstones.has(keyId(keys.erased(b.id))));
    await this.putAll(importCounters(customers.filter((c) => !tombstones.has(keyId(keys.erased(c.folded.customerId)))).map((c) => c.folded), source));
    const takenBack = erased.flatMap((b) => [b.customer, ...b.rest]).map((i) => ({ delete: { pk: i.pk as string, sk: i.sk as string } }));
    if (takenBack.length) await this.batchWrite(takenBack);
    return { written: rest.length + built.length - takenBack.length, erased: erased.length };
  }

  private async putAll(items: Item[]): Promise<void> {
    const chunks: Item[][] = [];
    for (let i = 0; i < items.length; i += CHUNK) chunks.push(items.slice(i, i + CHUNK));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await this.batchWrite(chunks[next++]!.map((put) => ({ put })));
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, worker));
  }

  async getCheckpoint(inputHash: string): Promise<Checkpoint | null> {
    const item = await this.get(keys.importCheckpoint(inputHash));
    return (item?.checkpoint as Checkpoint | undefined) ?? null;
  }

  async putCheckpoint(inputHash: string, checkpoint: Checkpoint): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.importCheckpoint(inputHash), checkpoint } }));
  }
}

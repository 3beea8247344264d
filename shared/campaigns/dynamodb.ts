/** SendStore over the Engage table: send claims and outcomes (access patterns 7 and 8), the
 * sparse due index of pending sends (9) and the frequency-cap ledger (18). */
import { GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, cancellationAt, isConditionFailure, isConflict, versionGuard, type Item } from '../platform/table/dynamodb.js';
import { RetryableError } from '../platform/errors.js';
import { DUE_INDEX, TableAttr, customerIdOfPk, dueKeys, keyId, keys } from '../platform/table/keys.js';
import { customerViewKeys, toCustomer, viewOf } from '../customers/dynamodb.js';
import { instantMs, utcDay } from '../platform/time.js';
import type { LaneName } from '../platform/contracts/functions.js';
import { laneOf } from './lanes.js';
import { TOUCH_PREFIX, campaignCounter, deltaFor, kpiUpdate, type Touch } from '../platform/table/counters.js';
import { FINAL_STATUSES, type CapLedger, type Claim, type ClaimResult, type DecisionState, type DuePage, type LastLookState, type DueSend, type MarkResult, type ReclaimResult, type SendRecord, type SendStore } from './port.js';

/** Final outcomes are kept this long (CAN-SPAM opt-outs, campaign reports, dedupe of late
 * triggers); the frequency cap needs 7 days, coupon reminders live on pending items. */
export const SEND_RECORD_TTL_DAYS = 400;

const expiry = (at: string) => ({ [TableAttr.ttl]: Math.floor(instantMs(at) / 1000) + SEND_RECORD_TTL_DAYS * 86_400 });

const RECORD_FIELDS = ['campaignId', 'occurrence', 'status', 'at', 'kind', 'messageId', 'reason', 'until', 'trigger', 'lane', 'attempt', 'couponKid', 'couponHash', 'retries', 'deliveredAt', 'openedAt', 'clickedAt'] as const;
const toRecord = (i: Item): SendRecord => Object.fromEntries(RECORD_FIELDS.flatMap((f) => (i[f] !== undefined ? [[f, i[f]]] : []))) as unknown as SendRecord;

/** The due-index attributes of a pending send due at `dueAt` (the shard follows the time). */
const inDue = (customerId: string, dueAt: string) => ({ [TableAttr.dueShard]: dueKeys.of(customerId, dueAt), [TableAttr.dueAt]: dueAt });

const names = { '#st': 'status', '#at': 'at', '#s': TableAttr.dueShard, '#d': TableAttr.dueAt };

const capOf = (item: Item | undefined): CapLedger => ({ recent: (item?.recent as CapLedger['recent'] | undefined) ?? [], v: (item?.[TableAttr.version] as number | undefined) ?? 0 });

export class DynamoSendStore extends DynamoTable implements SendStore {
  async claimSend(customerId: string, campaignId: string, occurrence: string, at: string, claim?: Claim): Promise<ClaimResult> {
    const pending = claim
      ? { attempt: claim.attempt, kind: claim.kind, trigger: claim.trigger, lane: claim.lane, couponKid: claim.couponKid, customerId, ...inDue(customerId, claim.leaseUntil) }
      : {};
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.notErased(customerId),
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.send(customerId, campaignId, occurrence), campaignId, occurrence, status: 'claimed', at, ...pending },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return 'claimed';
    } catch (e) {
      if (cancellationAt(e, 0) === 'ConditionalCheckFailed') return 'erased';
      if (cancellationAt(e, 1) === 'ConditionalCheckFailed') return 'taken';
      // Another transaction on the same send right now (a concurrent duplicate): ask again later.
      if (isConflict(e)) throw new RetryableError(`claim of ${campaignId}/${occurrence} raced another transaction`);
      throw e;
    }
  }

  async reclaimDue(customerId: string, campaignId: string, occurrence: string, dueAt: string, c: { attempt: string; at: string; leaseUntil: string; couponKid: string }): Promise<ReclaimResult> {
    const Key = keys.send(customerId, campaignId, occurrence);
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET #st = :claimed, #at = :at, attempt = :a, #d = :lease, #s = :shard, couponKid = if_not_exists(couponKid, :kid)',
          ConditionExpression: '#d = :due AND (#st = :deferred OR #st = :claimed)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':claimed': 'claimed', ':deferred': 'deferred', ':due': dueAt, ':at': c.at, ':a': c.attempt, ':lease': c.leaseUntil, ':kid': c.couponKid,
            ':shard': dueKeys.of(customerId, c.leaseUntil),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'claimed', record: toRecord(out.Attributes ?? {}) };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    // Its attempt died while SES had the mail: whether it went out is unknown, and it is not sent again.
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET #st = :unknown, reason = :r, #at = :at, #ttl = :ttl REMOVE #s, #d, attempt',
          ConditionExpression: '#d = :due AND #st = :sending',
          ExpressionAttributeNames: { ...names, '#ttl': TableAttr.ttl },
          ExpressionAttributeValues: { ':unknown': 'unknown', ':sending': 'sending', ':r': 'interrupted', ':at': c.at, ':due': dueAt, ':ttl': expiry(c.at)[TableAttr.ttl] },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'interrupted', record: toRecord(out.Attributes ?? {}) };
    } catch (e) {
      if (isConditionFailure(e)) return { kind: 'taken' };
      throw e;
    }
  }

  async markSending(
    customerId: string,
    campaignId: string,
    occurrence: string,
    attempt: string,
    mark: { at: string; leaseUntil: string; couponHash?: string },
    cap?: { ledger: CapLedger; entry: { at: string; key: string }; windowMs: number },
  ): Promise<MarkResult> {
    const update = {
      TableName: this.tableName,
      Key: keys.send(customerId, campaignId, occurrence),
      UpdateExpression: `SET #st = :sending, #at = :at, #d = :lease, #s = :shard${mark.couponHash ? ', couponHash = :h' : ''}`,
      ConditionExpression: '#st = :claimed AND attempt = :a',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ':sending': 'sending', ':claimed': 'claimed', ':a': attempt, ':at': mark.at, ':lease': mark.leaseUntil,
        ':shard': dueKeys.of(customerId, mark.leaseUntil), ...(mark.couponHash ? { ':h': mark.couponHash } : {}),
      },
    };
    if (!cap) return (await this.conditional(new UpdateCommand(update))) ? 'ok' : 'lost';
    const since = instantMs(cap.entry.at) - cap.windowMs;
    const recent = [...cap.ledger.recent.filter((r) => instantMs(r.at) > since && r.key !== cap.entry.key), cap.entry];
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: update },
            { Put: { TableName: this.tableName, Item: { ...keys.cap(customerId), recent, [TableAttr.version]: cap.ledger.v + 1 }, ...versionGuard(cap.ledger.v) } },
          ],
        }),
      );
      return 'ok';
    } catch (e) {
      if (cancellationAt(e, 0) === 'ConditionalCheckFailed') return 'lost';
      if (isConflict(e)) return 'cap-conflict';
      throw e;
    }
  }

  async completeSend(customerId: string, r: SendRecord, guard?: { attempt: string }, scheduled: readonly SendRecord[] = []): Promise<boolean> {
    const put = { ...this.outcomePut(customerId, r), ...(guard ? { ConditionExpression: 'attempt = :a', ExpressionAttributeValues: { ':a': guard.attempt } } : {}) };
    const counted = guard ? this.counted(customerId, r) : [];
    if (!counted.length && !scheduled.length) return this.conditional(new PutCommand(put));
    const items = [{ Put: put }, ...counted];
    if (!scheduled.length) return this.conditionalTransaction(new TransactWriteCommand({ TransactItems: items }));
    const creates = scheduled.map((x) => ({ Put: { ...this.outcomePut(customerId, x), ConditionExpression: 'attribute_not_exists(pk)' } }));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [...items, ...creates] }));
      return true;
    } catch (e) {
      if (items.some((_, i) => cancellationAt(e, i) === 'ConditionalCheckFailed')) return false;
      // A scheduled send that exists already is no reason to refuse the outcome; after a
      // collision the outcome is written again on its own, the scheduled sends after it.
      const exists = creates.some((_, i) => cancellationAt(e, items.length + i) === 'ConditionalCheckFailed');
      if (!exists && !isConflict(e)) throw e;
      const written = await this.conditionalTransaction(new TransactWriteCommand({ TransactItems: items }));
      if (written && !exists) for (const x of scheduled) await this.scheduleSend(customerId, x);
      return written;
    }
  }

  async recordFirst(customerId: string, r: SendRecord): Promise<ClaimResult> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [this.notErased(customerId), { Put: { ...this.outcomePut(customerId, r), ConditionExpression: 'attribute_not_exists(pk)' } }, ...this.counted(customerId, r)],
        }),
      );
      return 'claimed';
    } catch (e) {
      if (cancellationAt(e, 0) === 'ConditionalCheckFailed') return 'erased';
      if (cancellationAt(e, 1) === 'ConditionalCheckFailed') return 'taken';
      if (isConflict(e)) throw new RetryableError(`outcome of ${r.campaignId}/${r.occurrence} raced another transaction`);
      throw e;
    }
  }

  /** An outcome as its item: a deferral joins the sparse due index, any other outcome leaves it
   * (Put replaces the item), final ones expire; the attempt token goes, so no later write of that
   * attempt applies. */
  private outcomePut(customerId: string, r: SendRecord) {
    const { attempt: _done, ...record } = r;
    const due = r.status === 'deferred' && r.until ? inDue(customerId, r.until) : {};
    const ttl = FINAL_STATUSES.has(r.status) ? expiry(r.at) : {};
    return { TableName: this.tableName, Item: { ...keys.send(customerId, r.campaignId, r.occurrence), ...record, customerId, ...due, ...ttl } };
  }

  /** Mailed and held-out members are counted with their outcome, and the decision goes onto the
   * customer item, where order ingest counts the conversions. */
  private counted(customerId: string, r: SendRecord) {
    const counter = campaignCounter(r.status, r.campaignId);
    if (!counter) return [];
    const delta = deltaFor(customerId, utcDay(r.at), { [counter]: 1 });
    const touch: Touch = { at: r.at, g: r.status === 'sent' ? 's' : 'c' };
    const touched = { Update: { TableName: this.tableName, Key: keys.customer(customerId), UpdateExpression: 'SET #t = :t', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: { '#t': `${TOUCH_PREFIX}${r.campaignId}` }, ExpressionAttributeValues: { ':t': touch } } };
    return [kpiUpdate(this.tableName, delta), touched];
  }

  async scheduleSend(customerId: string, r: SendRecord): Promise<boolean> {
    const due = r.until ? inDue(customerId, r.until) : {};
    return this.conditional(
      new TransactWriteCommand({
        TransactItems: [
          this.notErased(customerId),
          { Put: { TableName: this.tableName, Item: { ...keys.send(customerId, r.campaignId, r.occurrence), ...r, customerId, ...due }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  }

  async getCap(customerId: string): Promise<CapLedger> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.cap(customerId), ConsistentRead: true }));
    return capOf(out.Item);
  }

  async readForDecision(customerId: string, opts: { cap: boolean }): Promise<DecisionState> {
    const capKey = keys.cap(customerId);
    const items = await this.batchGet([...customerViewKeys(customerId), ...(opts.cap ? [capKey] : [])]);
    return { customer: viewOf(items, customerId), cap: capOf(items.get(keyId(capKey))) };
  }

  async readLastLook(customerId: string, addressHash?: string): Promise<LastLookState> {
    const [customerKey, listedKey] = [keys.customer(customerId), addressHash ? keys.suppressedAddress(addressHash) : undefined];
    const items = await this.batchGet(listedKey ? [customerKey, listedKey] : [customerKey]);
    const customer = items.get(keyId(customerKey));
    return { customer: customer ? toCustomer(customer) : null, ...(listedKey ? { listed: items.has(keyId(listedKey)) } : {}) };
  }

  async listDue(shard: string, now: string, limit: number, start?: Record<string, unknown>): Promise<DuePage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: '#s = :s AND #d <= :now',
        ExpressionAttributeNames: { '#s': TableAttr.dueShard, '#d': TableAttr.dueAt },
        ExpressionAttributeValues: { ':s': shard, ':now': now },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    // (A claim written without a trigger — by an operator tool — has nothing to hand on.)
    // Waiting flow entries share the index (shared/flows/dynamodb.ts): their waits drain the same way.
    const items = (out.Items ?? []).flatMap((i): DueSend[] =>
      String(i.sk).startsWith(keys.flowPrefix)
        ? [{ customerId: i.customerId as string, campaignId: i.flowId as string, occurrence: i.entry as string, dueAt: i[TableAttr.dueAt] as string, trigger: i.trigger as DueSend['trigger'], lane: 'bulk', leases: (i.leases as number | undefined) ?? 0, flow: true }]
        : i.trigger
        ? [{
            customerId: i.customerId as string, campaignId: i.campaignId as string, occurrence: i.occurrence as string,
            dueAt: i[TableAttr.dueAt] as string, trigger: i.trigger as DueSend['trigger'],
            // Items written before sends carried their lane: the lane their trigger arrives in.
            lane: (i.lane as LaneName | undefined) ?? laneOf((i.trigger as DueSend['trigger']).type), leases: (i.leases as number | undefined) ?? 0,
          }]
        : [],
    );
    return { items, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
  }

  async leaseDue(d: DueSend, until: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: d.flow ? keys.flowEntry(d.customerId, d.campaignId, d.occurrence) : keys.send(d.customerId, d.campaignId, d.occurrence),
        UpdateExpression: 'SET #d = :until, #s = :shard, leases = :n',
        ConditionExpression: '#d = :due',
        ExpressionAttributeNames: { '#d': TableAttr.dueAt, '#s': TableAttr.dueShard },
        ExpressionAttributeValues: { ':until': until, ':shard': dueKeys.of(d.customerId, until), ':n': (d.leases ?? 0) + 1, ':due': d.dueAt },
      }),
    );
  }

  async getDueCursor(): Promise<string | undefined> {
    return (await this.get(keys.dueCursor()))?.bucket as string | undefined;
  }

  async putDueCursor(bucket: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.dueCursor(), bucket } }));
  }

  async listSends(customerId: string): Promise<SendRecord[]> {
    return (await this.queryPrefix(keys.customer(customerId).pk, keys.sendPrefix)).map(toRecord);
  }

  /** Every send record in the table (a full scan: for operator reports only). */
  async *sendRecords(): AsyncIterable<SendRecord & { customerId: string }> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(sk, :p)',
          ExpressionAttributeValues: { ':p': keys.sendPrefix },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of out.Items ?? []) yield { ...(i as unknown as SendRecord), customerId: customerIdOfPk(i.pk as string) };
      start = out.LastEvaluatedKey;
    } while (start);
  }
}

/**
 * The privacy items of the Engage table: the hashed suppression list (access pattern 15) and the
 * bulk deletes of erasure (see ./erase.ts for the order of the steps and why).
 */
import type { SurveyState } from '../surveys/response.js';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RetryableError } from '../platform/errors.js';
import { DynamoTable } from '../platform/table/dynamodb.js';
import { keys } from '../platform/table/keys.js';
import type { ErasureStore } from './erase.js';
import type { AddressSuppressionList, AddressSuppressionLift } from './suppression.js';

export class DynamoSuppressionList extends DynamoTable implements AddressSuppressionList, AddressSuppressionLift {
  /** The hash only, never the address; the first reason and time stay, so a repeat (redelivery,
   * second unsubscribe) changes nothing. */
  async suppressAddress(emailHash: string, reason: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.suppressedAddress(emailHash),
        // Every reason is kept too (a set), so a resubscribe can tell "only unsubscribed" apart.
        UpdateExpression: 'SET reason = if_not_exists(reason, :r), #at = if_not_exists(#at, :at) ADD reasons :rs',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':r': reason, ':at': at, ':rs': new Set([reason]) },
      }),
    );
  }

  async liftAddressSuppression(emailHash: string, onlyReason: string): Promise<boolean> {
    return this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.suppressedAddress(emailHash),
        // Absent (never listed) or listed for this reason alone; never lift a bounce or an erasure.
        ConditionExpression: 'attribute_not_exists(pk) OR (reason = :r AND (attribute_not_exists(reasons) OR size(reasons) = :one))',
        ExpressionAttributeValues: { ':r': onlyReason, ':one': 1 },
      }),
    );
  }

  async getAddressSuppression(emailHash: string): Promise<{ reason: string; at: string } | null> {
    const item = await this.get(keys.suppressedAddress(emailHash));
    return item ? { reason: item.reason as string, at: item.at as string } : null;
  }
}

/** Two suffice (see deleteCustomerPartition); more means writers that do not follow the rule. */
const ERASURE_PASSES = 4;

export class DynamoErasureStore extends DynamoTable implements ErasureStore {
  /** No id, no address: the key is a hash of the id, the item only says when. */
  async writeTombstone(customerId: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.erased(customerId),
        UpdateExpression: 'SET #at = if_not_exists(#at, :at)',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Every sort key of CUST#<id> (profile, orders, days, sends, loyalty, ledger, surveys, and any
   * item type added later): listing by partition rather than by known prefixes means a new item
   * type can never be forgotten by erasure. */
  async deleteCustomerPartition(customerId: string): Promise<number> {
    // Until a pass finds nothing: order ingest and loyalty skip the tombstone check when they
    // update an anchor item (CUSTOMER, LOYALTY) they read at a version, so one may commit between
    // this listing and the anchor's delete; once the anchors are gone none can (they fail on the
    // version, and creating an anchor checks the tombstone), so the next pass is the last.
    let deleted = 0;
    for (let pass = 0; ; pass++) {
      const found = (await this.queryPrefix(keys.customer(customerId).pk, '', { keysOnly: true })).map((i) => ({ pk: i.pk as string, sk: i.sk as string }));
      if (found.length === 0) return deleted;
      if (pass >= ERASURE_PASSES) throw new RetryableError(`erasure of a partition still finds ${found.length} items after ${pass} passes`);
      await this.batchWrite(found.map((k) => ({ delete: k })));
      deleted += found.length;
    }
  }

  /**
   * Coupons live under COUPON#<code hash>, outside the partition; each was written in one
   * transaction with a COUPONREF#<hash> pointer in the customer's partition (shared/coupons/dynamodb.ts),
   * so one Query of the partition finds them all: no Scan, cost proportional to the customer, not
   * the table. The pointers themselves go with the partition, which is deleted after this.
   */
  /** The KPI partitions keep a low score's comment for the report (shared/surveys/kpi.ts), keyed
   * by when it was given: the customer's SURVEY# items say when. Its counts stay: they name no one. */
  async deleteReportCommentsOf(customerId: string): Promise<number> {
    const surveys = await this.queryPrefix(keys.customer(customerId).pk, keys.surveyPrefix);
    const found = surveys.flatMap((i) => {
      const a = (i.survey as SurveyState | undefined)?.answer;
      return a?.comment ? [keys.kpiComment(a.commentedAt ?? a.answeredAt, customerId)] : [];
    });
    await this.batchWrite(found.map((k) => ({ delete: k })));
    return found.length;
  }

  /** Every coupon through its COUPONREF# pointer; a coupon bought with points or given on a
   * birthday before the loyalty commit wrote pointers (it had none) through the ledger entry that
   * issued it, which names the coupon's hash. */
  async deleteCouponsOf(customerId: string): Promise<number> {
    const { pk } = keys.customer(customerId);
    const [refs, ledger] = await Promise.all([this.queryPrefix(pk, keys.couponRefPrefix), this.queryPrefix(pk, keys.ledgerPrefix)]);
    const issuedBy = (i: Record<string, unknown>) => (i.entry as { couponHash?: string } | undefined)?.couponHash;
    const hashes = new Set([...refs.map((r) => r.codeHash as string), ...ledger.flatMap((i) => issuedBy(i) ?? [])]);
    const found = [...hashes].map((h) => keys.coupon(h));
    await this.batchWrite(found.map((k) => ({ delete: k })));
    return found.length;
  }
}

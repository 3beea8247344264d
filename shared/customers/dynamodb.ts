/** CustomerStore over the Engage table: the customer item (access patterns 1 and 5). */
import { ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, cancellationAt, isConditionFailure, isConflict, type Item } from '../platform/table/dynamodb.js';
import { CUSTOMERS_INDEX, TableAttr, keyId, keys } from '../platform/table/keys.js';
import { emptySummary, type OrderSummary } from '../orders/decide.js';
import type { CustomerPage, CustomerStore, Cursor, ProfileWrite } from './port.js';
import type { CustomerRecord, Prediction, Profile, RiskState } from './record.js';
import { birthdayDueKey } from '../loyalty/due.js';
import { customerView, type CustomerView, type LoyaltyPart } from './view.js';
import { CAMPAIGN_UNSUBSCRIBED, deltaFor, kpiUpdate } from '../platform/table/counters.js';
import { utcDay } from '../platform/time.js';

export function toCustomer(item: Item): CustomerRecord {
  return {
    customerId: item.customerId as string,
    summary: (item.summary as OrderSummary | undefined) ?? emptySummary(),
    ...(item.profile ? { profile: item.profile as Profile } : {}),
    ...(item.risk ? { risk: item.risk as RiskState } : {}),
    ...(item.segment ? { segment: item.segment as string } : {}),
    ...(item.prediction ? { prediction: item.prediction as Prediction } : {}),
    ...(item.suppressed ? { suppressed: true } : {}),
    ...(item.suppression ? { suppression: item.suppression as { reason: string; at: string } } : {}),
    ...(item.tier ? { tier: item.tier as string } : {}),
    ...(item.resubscribed ? { resubscribed: item.resubscribed as { at: string; lifted: string } } : {}),
  };
}

/** The items a customer view is read from (the customer item, the loyalty state item). */
export const customerViewKeys = (customerId: string) => [keys.customer(customerId), keys.loyalty(customerId)] as const;

/** The customer view from a read of its items (customerViewKeys), null without a customer item. */
export function viewOf(items: ReadonlyMap<string, Item>, customerId: string): CustomerView | null {
  const [customerKey, loyaltyKey] = customerViewKeys(customerId);
  const customer = items.get(keyId(customerKey));
  return customer ? customerView(toCustomer(customer), items.get(keyId(loyaltyKey))?.state as LoyaltyPart | undefined) : null;
}

const profileWrite = 'SET profile = :p, customerId = :c, #g = :c, #v = if_not_exists(#v, :zero) + :one';

export class DynamoCustomerStore extends DynamoTable implements CustomerStore {
  async getCustomer(customerId: string): Promise<CustomerRecord | null> {
    const item = await this.get(keys.customer(customerId));
    return item ? toCustomer(item) : null;
  }

  /** Many customers at once, eventually consistent (the sweep's reads; absent ones are missing). */
  async getCustomers(customerIds: string[]): Promise<Map<string, CustomerRecord>> {
    const found = await this.batchGet(customerIds.map((id) => keys.customer(id)), { consistent: false });
    return new Map([...found.values()].map((item) => [item.customerId as string, toCustomer(item)]));
  }

  async readCustomer(customerId: string): Promise<CustomerView | null> {
    const [customerKey, loyaltyKey] = customerViewKeys(customerId);
    return viewOf(await this.batchGet([customerKey, loyaltyKey]), customerId);
  }

  async scanCustomers(page: { segment: number; totalSegments: number; cursor?: Cursor; limit: number }): Promise<CustomerPage> {
    const out = await this.db.send(
      new ScanCommand({
        TableName: this.tableName,
        IndexName: CUSTOMERS_INDEX,
        Segment: page.segment,
        TotalSegments: page.totalSegments,
        Limit: page.limit,
        ...(page.cursor ? { ExclusiveStartKey: page.cursor } : {}),
      }),
    );
    return {
      customers: (out.Items ?? []).map(toCustomer),
      ...(out.LastEvaluatedKey ? { cursor: out.LastEvaluatedKey as Cursor } : {}),
    };
  }

  async putProfile(customerId: string, profile: Profile, seen: string | null): Promise<ProfileWrite> {
    return this.writeProfile(customerId, profile, seen, profileWrite, {});
  }

  /** Profile and suppression in one write, so no reader ever sees the new profile without the flag. */
  async putSuppressedProfile(customerId: string, profile: Profile, seen: string | null, suppression: { reason: string; at: string }): Promise<ProfileWrite> {
    return this.writeProfile(customerId, profile, seen, `${profileWrite}, suppressed = :t, suppression = if_not_exists(suppression, :s) ADD suppressionReasons :rs`, {
      ':t': true,
      ':s': suppression,
      ':rs': new Set([suppression.reason]),
    });
  }

  /**
   * Optimistic on the profile alone (not the item version, which order ingest bumps): the write
   * holds only if the stored profile is still the one decided against. Which profile is newer is
   * decided in code, by instant (record.ts); a string comparison in the condition would order
   * `09:00+08:00` after `05:00Z`. The tombstone check keeps a replay from recreating an erased customer.
   */
  private async writeProfile(customerId: string, profile: Profile, seen: string | null, write: string, extra: Record<string, unknown>): Promise<ProfileWrite> {
    // The birthday, as MM-DD in the loyalty due index (access pattern 21): set with the profile, gone with it.
    const bday = birthdayDueKey(profile.birthday);
    const update = bday ? write.replace(/^SET /, 'SET #bs = :bs, #bd = :bd, ') : `${write} REMOVE #bs, #bd`;
    const values = { ...extra, ...(bday ? { ':bs': keys.birthdayShardKey(keys.loyaltyShardOf(customerId)), ':bd': bday } : {}) };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.notErased(customerId),
            {
              Update: {
                TableName: this.tableName,
                Key: keys.customer(customerId),
                UpdateExpression: update,
                ConditionExpression: seen === null ? 'attribute_not_exists(profile)' : 'profile.updatedAt = :seen',
                ExpressionAttributeNames: { '#g': TableAttr.gsi1pk, '#v': TableAttr.version, '#bs': TableAttr.loyaltyDueShard, '#bd': TableAttr.loyaltyDueOn },
                ExpressionAttributeValues: { ':p': profile, ':c': customerId, ':zero': 0, ':one': 1, ...(seen === null ? {} : { ':seen': seen }), ...values },
              },
            },
          ],
        }),
      );
      return 'applied';
    } catch (e) {
      if (cancellationAt(e, 0) === 'ConditionalCheckFailed') return 'erased';
      if (isConflict(e)) return 'conflict';
      throw e;
    }
  }

  async liftSuppression(customerId: string, onlyReason: string, at: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.customer(customerId),
        // The lift is recorded (when, and what it lifted); the reasons set goes with the flag.
        UpdateExpression: 'REMOVE suppressed, suppression, suppressionReasons SET resubscribed = :rec',
        ConditionExpression: 'suppression.reason = :r AND (attribute_not_exists(suppressionReasons) OR size(suppressionReasons) = :one)',
        ExpressionAttributeValues: { ':r': onlyReason, ':one': 1, ':rec': { at, lifted: onlyReason } },
      }),
    );
  }

  async suppress(customerId: string, reason: string, at: string, campaignId?: string): Promise<void> {
    const update = {
      TableName: this.tableName,
      Key: keys.customer(customerId),
      // The first reason and time stay: a later duplicate click changes nothing.
      // Every reason is kept as a set as well: a resubscribe may lift an unsubscribe only.
      UpdateExpression: 'SET suppressed = :t, suppression = if_not_exists(suppression, :s) ADD suppressionReasons :rs',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':t': true, ':s': { reason, at }, ':rs': new Set([reason]) } as Record<string, unknown>,
    };
    try {
      if (!campaignId) {
        await this.db.send(new UpdateCommand(update));
        return;
      }
      // Counted for the campaign whose link it was, once: only while the reason is new.
      const delta = deltaFor(customerId, utcDay(at), { [`${CAMPAIGN_UNSUBSCRIBED}${campaignId}`]: 1 });
      await this.conditionalTransaction(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { ...update, ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(suppressionReasons) OR NOT contains(suppressionReasons, :r))', ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':r': reason } } },
            kpiUpdate(this.tableName, delta),
          ],
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // an unknown customer, or suppressed for this reason already
    }
  }

}

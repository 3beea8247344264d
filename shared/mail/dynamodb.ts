/**
 * The send lanes' shared rate over the Engage table (access pattern 20): one item holds the
 * schedule's `tat` (see ./pacing.ts). A take is one conditional UpdateItem: either the schedule is
 * at or after now and within reach (tat += interval), or it lies in the past (tat = now +
 * interval). Both are atomic on the service, so concurrent containers never share a slot; the
 * failed condition returns the item, which tells which case applies without another read.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoTable } from '../platform/table/dynamodb.js';
import { RetryableError } from '../platform/errors.js';
import { keys } from '../platform/table/keys.js';
import { takeSlot, type Take } from './pacing.js';
import type { SendRate } from './port.js';

/** Concurrent takes that restart a past schedule race; each loser sees the winner's and advances it. */
const ATTEMPTS = 12;

export class DynamoSendRate extends DynamoTable implements SendRate {
  async peek(): Promise<number | undefined> {
    // Eventually consistent: a hint for holding messages back, never for granting a slot.
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.sendRate(), ProjectionExpression: 'tat' }));
    return out.Item?.tat as number | undefined;
  }

  async take(nowMs: number, interval: number, maxAheadMs: number): Promise<Take> {
    // First try the common case under load: the schedule is at or after now, within reach.
    let seen = await this.advance(nowMs, interval, maxAheadMs);
    for (let attempt = 1; attempt < ATTEMPTS; attempt++) {
      if (typeof seen === 'object') return seen;
      const d = takeSlot(seen, nowMs, interval, maxAheadMs);
      if (d.kind === 'saturated') return d;
      // Another take moved a past schedule into reach meanwhile: advance it like everyone else.
      seen = d.slotMs > nowMs ? await this.advance(nowMs, interval, maxAheadMs) : await this.restart(seen, d);
    }
    if (typeof seen === 'object') return seen;
    throw new RetryableError('send rate: the schedule kept moving under concurrent takes');
  }

  /** tat += interval if now <= tat <= now + reach; else the tat found (undefined: no schedule yet). */
  private advance(nowMs: number, interval: number, maxAheadMs: number): Promise<Take | number | undefined> {
    return this.update({
      UpdateExpression: 'SET tat = tat + :i',
      ConditionExpression: 'tat >= :now AND tat <= :reach',
      ExpressionAttributeValues: { ':i': interval, ':now': nowMs, ':reach': nowMs + maxAheadMs },
    }, interval);
  }

  /** The schedule lies in the past, was never used, or is stale: it starts again at now. */
  private restart(seen: number | undefined, d: Extract<Take, { kind: 'slot' }>): Promise<Take | number | undefined> {
    return this.update({
      UpdateExpression: 'SET tat = :next',
      ConditionExpression: seen === undefined ? 'attribute_not_exists(tat)' : 'tat = :seen',
      ExpressionAttributeValues: { ':next': d.tat, ...(seen === undefined ? {} : { ':seen': seen }) },
    }, d.tat - d.slotMs);
  }

  private async update(
    expr: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, number> },
    interval: number,
  ): Promise<Take | number | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({ TableName: this.tableName, Key: keys.sendRate(), ...expr, ReturnValues: 'UPDATED_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      const tat = out.Attributes?.tat as number;
      return { kind: 'slot', slotMs: tat - interval, tat };
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      return e.Item ? (unmarshall(e.Item).tat as number | undefined) : undefined;
    }
  }
}

/**
 * The send lanes' shared rate over the Engage table (access pattern 20): one item holds the
 * schedule's `tat`, in whole microseconds (see ./pacing.ts). A take is one conditional
 * UpdateItem: either the schedule is at or after now and within reach (tat += interval), or it
 * lies in the past (tat = now + interval). Both are atomic on the service, so concurrent containers never share a slot; the
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
    const tat = out.Item?.tat as number | undefined;
    return tat === undefined ? undefined : tat / 1000;
  }

  async take(nowMs: number, interval: number, maxAheadMs: number): Promise<Take> {
    // The item holds whole microseconds: DynamoDB adds decimals exactly, a double read back from
    // a fractional sum would no longer equal it, and a restart's condition on it would never hold.
    const now = Math.floor(nowMs * 1000);
    const step = Math.ceil(interval * 1000);
    const reach = Math.floor(maxAheadMs * 1000);
    // First try the common case under load: the schedule is at or after now, within reach.
    let seen = await this.advance(now, step, reach);
    for (let attempt = 1; attempt < ATTEMPTS; attempt++) {
      if (typeof seen === 'object') return seen;
      const d = takeSlot(seen === undefined ? undefined : seen / 1000, now / 1000, step / 1000, maxAheadMs);
      if (d.kind === 'saturated') return d;
      // Another take moved a past schedule into reach meanwhile: advance it like everyone else.
      seen = seen !== undefined && seen >= now && d.slotMs > now / 1000 ? await this.advance(now, step, reach) : await this.restart(seen, now + step, step);
    }
    if (typeof seen === 'object') return seen;
    throw new RetryableError('send rate: the schedule kept moving under concurrent takes');
  }

  /** tat += step if now <= tat <= now + reach; else the tat found (undefined: no schedule yet). All in µs. */
  private advance(now: number, step: number, reach: number): Promise<Take | number | undefined> {
    return this.update({
      UpdateExpression: 'SET tat = tat + :i',
      ConditionExpression: 'tat >= :now AND tat <= :reach',
      ExpressionAttributeValues: { ':i': step, ':now': now, ':reach': now + reach },
    }, step);
  }

  /** The schedule lies in the past, was never used, or is stale: it starts again at now. */
  private restart(seen: number | undefined, next: number, step: number): Promise<Take | number | undefined> {
    return this.update({
      UpdateExpression: 'SET tat = :next',
      ConditionExpression: seen === undefined ? 'attribute_not_exists(tat)' : 'tat = :seen',
      ExpressionAttributeValues: { ':next': next, ...(seen === undefined ? {} : { ':seen': seen }) },
    }, step);
  }

  private async update(
    expr: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, number> },
    step: number,
  ): Promise<Take | number | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({ TableName: this.tableName, Key: keys.sendRate(), ...expr, ReturnValues: 'UPDATED_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      const tat = out.Attributes?.tat as number;
      return { kind: 'slot', slotMs: (tat - step) / 1000, tat: tat / 1000 };
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      return e.Item ? (unmarshall(e.Item).tat as number | undefined) : undefined;
    }
  }
}

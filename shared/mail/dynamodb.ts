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
/** How long a peek stays good as a hint: the lanes hold records back only when the schedule is
 * seconds ahead (maxWaitMs), so a quarter second changes no decision, while reading the one item
 * every lane shares before each record made a bulk sweep read it once per customer transition. */
export const PEEK_FRESH_MS = 250;

export class DynamoSendRate extends DynamoTable implements SendRate {
  /** The schedule this container last saw (µs): a hint of which take to try first. Each failed
   * condition is a billed write on the one item every sender shares, so guessing right matters:
   * between bursts the schedule lies in the past, under load it is ahead. */
  private lastTat?: number;
  private peeked?: { atMs: number; tat: number | undefined };

  constructor(db: ConstructorParameters<typeof DynamoTable>[0], tableName: string, private readonly clockMs: () => number = Date.now) {
    super(db, tableName);
  }

  async peek(): Promise<number | undefined> {
    const at = this.clockMs();
    if (this.peeked && at - this.peeked.atMs >= 0 && at - this.peeked.atMs < PEEK_FRESH_MS) return this.peeked.tat;
    // Eventually consistent: a hint for holding messages back, never for granting a slot.
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.sendRate(), ProjectionExpression: 'tat' }));
    const tat = out.Item?.tat as number | undefined;
    this.peeked = { atMs: at, tat: tat === undefined ? undefined : tat / 1000 };
    return this.peeked.tat;
  }

  async take(nowMs: number, interval: number, maxAheadMs: number): Promise<Take> {
    // The item holds whole microseconds: DynamoDB adds decimals exactly, a double read back from
    // a fractional sum would no longer equal it, and a restart's condition on it would never hold.
    const now = Math.floor(nowMs * 1000);
    const step = Math.ceil(interval * 1000);
    const reach = Math.floor(maxAheadMs * 1000);
    // The schedule as last seen tells which case is likely: ahead (advance it) or past (restart it).
    let seen = this.lastTat !== undefined && this.lastTat >= now ? await this.advance(now, step, reach) : await this.restartIfPast(now, step);
    for (let attempt = 1; attempt < ATTEMPTS; attempt++) {
      if (typeof seen === 'object') break;
      this.lastTat = seen;
      const d = takeSlot(seen === undefined ? undefined : seen / 1000, now / 1000, step / 1000, maxAheadMs);
      if (d.kind === 'saturated') return d;
      // Ahead and within reach: advance it like everyone else; past or never used: restart it;
      // far ahead (a clock that moved back): restart it from exactly what was seen.
      seen = seen === undefined || seen < now ? await this.restartIfPast(now, step) : d.slotMs > now / 1000 ? await this.advance(now, step, reach) : await this.restart(seen, now + step, step);
    }
    if (typeof seen !== 'object') throw new RetryableError('send rate: the schedule kept moving under concurrent takes');
    if (seen.kind === 'slot') this.lastTat = seen.tat * 1000;
    return seen;
  }

  /** tat = now + step if the schedule lies in the past or was never used; else the tat found. Of
   * concurrent restarts one wins, the others find the schedule ahead and advance it. All in µs. */
  private restartIfPast(now: number, step: number): Promise<Take | number | undefined> {
    return this.update({
      UpdateExpression: 'SET tat = :next',
      ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
      ExpressionAttributeValues: { ':next': now + step, ':now': now },
    }, step);
  }

  /** tat += step if now <= tat <= now + reach; else the tat found (undefined: no schedule yet). All in µs. */
  private advance(now: number, step: number, reach: number): Promise<Take | number | undefined> {
    return this.update({
      UpdateExpression: 'SET tat = tat + :i',
      ConditionExpression: 'tat >= :now AND tat <= :reach',
      ExpressionAttributeValues: { ':i': step, ':now': now, ':reach': now + reach },
    }, step);
  }

  /** The schedule is stale (far ahead): it starts again at now, if it is still what was seen. */
  private restart(seen: number, next: number, step: number): Promise<Take | number | undefined> {
    return this.update({
      UpdateExpression: 'SET tat = :next',
      ConditionExpression: 'tat = :seen',
      ExpressionAttributeValues: { ':next': next, ':seen': seen },
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

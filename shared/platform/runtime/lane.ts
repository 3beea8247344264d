/**
 * A send lane: an SQS queue whose consumer sends mail at the pace SES allows (rules in
 * shared/mail/pacing.ts). The lane decides WHEN a record is handled; dispatch decides WHAT.
 *
 * - admit(record), before dispatch: while the account is paused or its daily quota used up, or
 *   while the shared schedule is further ahead than a function may wait, the record is held back
 *   in its queue (ChangeMessageVisibility with jitter) — nothing is claimed, nothing fails. From
 *   the `requeueAfter`-th receive on, it is sent back as a new message instead (then deleted), so
 *   holding never uses up the receives that lead to the dead-letter queue.
 * - pace(), before every SendEmail: a slot of the shared schedule, waited for.
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { gate, holdSeconds, intervalMs, slackMs, type HoldReason, type LaneSettings } from '../../mail/pacing.js';
import type { SesAccountCache } from '../../mail/account.js';
import type { SendRate } from '../../mail/port.js';

/** SQS caps DelaySeconds at 15 minutes; a longer hold comes back earlier and is held again. */
const MAX_DELAY_S = 900;

export interface Hold {
  reason: HoldReason;
  seconds: number;
  /** held: invisible in its queue (a failed record); requeued: a new message (this one is done). */
  how: 'held' | 'requeued';
}

export interface LaneDeps {
  account: SesAccountCache;
  rate: SendRate;
  sqs: SQSClient;
  settings: LaneSettings;
  requeueAfter: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The queue URL of an event source ARN (arn:aws:sqs:<region>:<account>:<name>). */
export function queueUrlOf(arn: string, endpoint = process.env.AWS_ENDPOINT_URL_SQS): string {
  const [, , , region, account, name] = arn.split(':');
  return `${endpoint ?? `https://sqs.${region}.amazonaws.com`}/${account}/${name}`;
}

export class SendLane {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: LaneDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? ((ms) => new Promise((ok) => setTimeout(ok, ms)));
  }

  /** undefined: go ahead; otherwise how the record was held back. */
  async admit(record: SQSRecord): Promise<Hold | undefined> {
    const s = this.deps.settings;
    const g = gate(await this.deps.account.get(), s);
    let reason: HoldReason | undefined = g.kind === 'open' ? undefined : g.kind;
    let aheadMs = 0;
    if (!reason) {
      const tat = await this.deps.rate.peek();
      aheadMs = tat === undefined ? 0 : tat - this.now();
      // (a schedule far beyond any take's reach is from a clock that moved back: pace() restarts it)
      if (aheadMs > s.maxWaitMs && aheadMs <= 2 * s.maxWaitMs + 1000) reason = 'saturated';
    }
    if (!reason) return undefined;
    const seconds = holdSeconds(reason, s, aheadMs, this.random);
    const url = queueUrlOf(record.eventSourceARN);
    if (Number(record.attributes.ApproximateReceiveCount) >= this.deps.requeueAfter) {
      await this.deps.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: record.body, DelaySeconds: Math.min(MAX_DELAY_S, seconds) }));
      return { reason, seconds, how: 'requeued' };
    }
    await this.deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
    return { reason, seconds, how: 'held' };
  }

  /**
   * Before every SendEmail: true once this call's slot has come; false if none is within reach.
   * Woken up later than the slack after its slot (a busy event loop), it takes a new slot rather
   * than crowd the next ones.
   */
  readonly pace = async (): Promise<boolean> => {
    const s = this.deps.settings;
    const interval = intervalMs(await this.deps.account.get(), s.share);
    const slack = slackMs(s.share);
    const giveUp = this.now() + s.maxWaitMs;
    while (this.now() <= giveUp) {
      const t = await this.deps.rate.take(this.now(), interval, s.maxWaitMs);
      if (t.kind === 'saturated') return false;
      const wait = t.slotMs - this.now();
      if (wait > 0) await this.sleep(wait);
      if (this.now() - t.slotMs <= slack) return true;
    }
    return false;
  };
}

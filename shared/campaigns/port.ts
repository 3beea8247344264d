/** What campaign dispatch needs from storage (DynamoSendStore in ./dynamodb.ts). */
import type { Occasion } from '../platform/contracts/events.js';

export type SendStatus = 'claimed' | 'sent' | 'skipped' | 'control' | 'deferred' | 'failed';

export interface SendRecord {
  campaignId: string;
  occurrence: string;
  status: SendStatus;
  at: string;
  /** marketing mail counts against the frequency cap; transactional does not. */
  kind?: 'marketing' | 'transactional';
  messageId?: string;
  reason?: string;
  /** For a deferral: when it may be decided again, and the trigger to decide it with. */
  until?: string;
  trigger?: Occasion;
}

export interface DueSend {
  customerId: string;
  campaignId: string;
  occurrence: string;
  dueAt: string;
  trigger: Occasion;
}

export interface SendStore {
  /** Conditional create: false when this (campaign, customer, occurrence) was already claimed. */
  claimSend(customerId: string, campaignId: string, occurrence: string, at: string): Promise<boolean>;
  completeSend(customerId: string, record: SendRecord): Promise<void>;
  /** Undo a claim whose send failed retryably, so the retry can send. */
  releaseSend(customerId: string, campaignId: string, occurrence: string): Promise<void>;
  listSends(customerId: string): Promise<SendRecord[]>;
  /** Deferred sends due by `now`, from one shard of the due index. */
  listDue(shard: string, now: string, limit: number): Promise<DueSend[]>;
  /** Turns a deferral back into a claim, only if it is still that deferral (false otherwise). */
  reclaimDeferred(customerId: string, campaignId: string, occurrence: string, dueAt: string, at: string): Promise<boolean>;
  /** Every send record in the table (a full scan: for operator reports only). */
  sendRecords(): AsyncIterable<SendRecord & { customerId: string }>;
}

/** What campaign dispatch needs from storage (DynamoSendStore in ./dynamodb.ts). */
import type { Occasion } from '../platform/contracts/events.js';
import type { LaneName } from '../platform/contracts/functions.js';
import type { CustomerView } from '../customers/view.js';
import type { CustomerRecord } from '../customers/record.js';

/**
 * The states of one send (campaign, customer, occurrence); see dispatch.ts for the transitions.
 * Pending states — claimed, sending, deferred — always sit in the due index with a due time, so
 * none can be forgotten: a deferral is decided again when due, a claim whose attempt died is
 * taken over once its lease runs out, and a send that died while SES had it becomes `unknown`.
 */
export type SendStatus = 'claimed' | 'sending' | 'sent' | 'skipped' | 'control' | 'deferred' | 'failed' | 'unknown';

/** Outcomes nothing will change any more: they expire (TTL) after SEND_RECORD_TTL_DAYS. */
export const FINAL_STATUSES: ReadonlySet<SendStatus> = new Set(['sent', 'skipped', 'control', 'failed', 'unknown']);

export interface SendRecord {
  campaignId: string;
  occurrence: string;
  status: SendStatus;
  at: string;
  /** marketing mail counts against the frequency cap; transactional does not. */
  kind?: 'marketing' | 'transactional';
  messageId?: string;
  reason?: string;
  /** For a deferral: when it may be decided again, and the trigger to decide it with (pending
   * states keep the trigger too, for the due job to hand them on). */
  until?: string;
  trigger?: Occasion;
  /** Pending states: the send lane it came in (campaigns/lanes.ts), which its due event goes back to. */
  lane?: LaneName;
  /** The attempt that holds a claimed or sending send: later writes of other attempts fail. */
  attempt?: string;
  /** The keyring key the coupon code is derived with (fixed at the first claim), and the hash of
   * the code in the mail (written before SES is called). */
  couponKid?: string;
  couponHash?: string;
  /** Definite SES refusals (throttling) so far: the retry budget. */
  retries?: number;
  /** What SES reported back about the mail, each the first time (shared/engagement). */
  deliveredAt?: string;
  openedAt?: string;
  clickedAt?: string;
}

export interface DueSend {
  customerId: string;
  campaignId: string;
  occurrence: string;
  dueAt: string;
  trigger: Occasion;
  lane: LaneName;
  /** Times the due job has leased it so far (each lease is longer: see due.ts). */
  leases?: number;
  /** A flow entry (campaignId: the flow, occurrence: the entry), not a send: woken by flow.step-due. */
  flow?: true;
}

export interface DuePage {
  items: DueSend[];
  /** More due items in this shard after these. */
  next?: Record<string, unknown>;
}

/** What an attempt writes when it claims a send. */
export interface Claim {
  attempt: string;
  kind: 'marketing' | 'transactional';
  trigger: Occasion;
  lane: LaneName;
  /** Until when this attempt holds the claim; the send's due time meanwhile. */
  leaseUntil: string;
  couponKid: string;
}

export type ClaimResult = 'claimed' | 'taken' | 'erased';

export type ReclaimResult =
  /** This attempt now holds the send (a deferral, or a claim whose attempt died). */
  | { kind: 'claimed'; record: SendRecord }
  /** The send was `sending` when its attempt died: SES may have it. Now recorded `unknown`. */
  | { kind: 'interrupted'; record: SendRecord }
  /** Not that pending send any more (a duplicate due event, or decided meanwhile). */
  | { kind: 'taken' };

/** A marketing send in the frequency cap's ledger. */
export interface CapEntry {
  at: string;
  /** `<campaignId>#<occurrence>`: a send's own retry does not cap itself. */
  key: string;
}
export interface CapLedger {
  recent: CapEntry[];
  /** Optimistic version (0: none yet). */
  v: number;
}

export type MarkResult = 'ok' | 'lost' | 'cap-conflict';

export interface DecisionState {
  customer: CustomerView | null;
  cap: CapLedger;
}

export interface LastLookState {
  customer: CustomerRecord | null;
  /** Whether the address given by its hash is suppressed (absent when none was given). */
  listed?: boolean;
}

export interface SendStore {
  /** Conditional create (with the claim's lease in the due index): 'taken' when this (campaign,
   * customer, occurrence) exists already, 'erased' when the customer was erased. */
  claimSend(customerId: string, campaignId: string, occurrence: string, at: string, claim?: Claim): Promise<ClaimResult>;
  /** Takes over the pending send the due event names, only if it is still due at `dueAt`. */
  reclaimDue(customerId: string, campaignId: string, occurrence: string, dueAt: string, claim: { attempt: string; at: string; leaseUntil: string; couponKid: string }): Promise<ReclaimResult>;
  /**
   * claimed → sending, only for the attempt holding the claim ('lost' otherwise), right before
   * SES is called. For marketing mail the cap ledger gets the send in the same transaction, under
   * its version ('cap-conflict': another send got there first: read the ledger and decide again).
   */
  markSending(
    customerId: string,
    campaignId: string,
    occurrence: string,
    attempt: string,
    mark: { at: string; leaseUntil: string; couponHash?: string },
    cap?: { ledger: CapLedger; entry: CapEntry; windowMs: number },
  ): Promise<MarkResult>;
  /** Writes an outcome (replacing the item); with `guard`, only while that attempt holds the send;
   * `scheduled`: new deferred sends created with it (a sent coupon's expiry reminders). */
  completeSend(customerId: string, record: SendRecord, guard?: { attempt: string }, scheduled?: readonly SendRecord[]): Promise<boolean>;
  /** An outcome decided before anything was written for the send (a skip, a hold-out, a
   * deferral), written by the conditional create that claims it, with its counters: 'taken' when
   * the send exists already, 'erased' for an erased customer. */
  recordFirst(customerId: string, record: SendRecord): Promise<ClaimResult>;
  /** Creates a new deferred send if absent (coupon reminders); never for an erased customer. */
  scheduleSend(customerId: string, record: SendRecord): Promise<boolean>;
  getCap(customerId: string): Promise<CapLedger>;
  /** What a decision reads, in one request: the customer as stored (with loyalty) and, for
   * marketing mail, the cap ledger (an empty one otherwise). */
  readForDecision(customerId: string, opts: { cap: boolean }): Promise<DecisionState>;
  /** The last look before SES, in one request: the customer as stored and, given the hash of
   * the address the decision saw, whether that address is on the suppression list. */
  readLastLook(customerId: string, addressHash?: string): Promise<LastLookState>;
  listSends(customerId: string): Promise<SendRecord[]>;
  /** One page of the pending sends due by `now` in one shard of the due index. */
  listDue(shard: string, now: string, limit: number, start?: Record<string, unknown>): Promise<DuePage>;
  /** Moves a due send's due time (and so its shard) to `until`, only if still due at `d.dueAt`. */
  leaseDue(d: DueSend, until: string): Promise<boolean>;
  /** The due job's cursor: the first bucket (day) not known to be drained. */
  getDueCursor(): Promise<string | undefined>;
  putDueCursor(bucket: string): Promise<void>;
  /** Every send record in the table (a full scan: for operator reports only). */
  sendRecords(): AsyncIterable<SendRecord & { customerId: string }>;
}

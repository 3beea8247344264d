/** What the flow runner needs from storage (DynamoFlowStore in ./dynamodb.ts). */
import type { FlowEntry } from './decide.js';

/** Counter deltas of one transition (entered, sent:<step>, exit:<reason>, waiting, ab:<step>:<variant>:n …). */
export type FlowCounts = Record<string, number>;

export type EnterResult = 'entered' | 'taken' | 'erased' | 'not-again';

export interface FlowStore {
  /**
   * Creates the entry if absent (a duplicate trigger finds it: 'taken'), never for an erased
   * customer; with `notSince`, only if the customer's last entry into the flow is older
   * ('not-again'). The entry is in the due index at `dueAt`: a lease, so a crash before its
   * next write is picked up by the due job, or the end of the wait it entered in.
   */
  enter(entry: FlowEntry, dueAt: string, counts: FlowCounts, reEntry?: { notSince?: string }): Promise<EnterResult>;
  getEntry(customerId: string, flowId: string, entry: string): Promise<FlowEntry | undefined>;
  /** Takes the entry to work on it: version v → v + 1 and a lease in the due index; with `dueAt`,
   * only while it is still due at that time (a due event). undefined: someone else moved it. */
  take(entry: FlowEntry, leaseUntil: string, dueAt?: string): Promise<FlowEntry | undefined>;
  /** Writes the entry's new state under the version `take` gave it, with the counters. */
  save(entry: FlowEntry, counts: FlowCounts): Promise<boolean>;
  /** A finished entry's late A/B conversion, with its counters, once: false if the entry moved
   * (another delivery of the order counted it). Leaves the entry out of the due index. */
  markConverted(entry: FlowEntry, counts: FlowCounts): Promise<boolean>;
  /** Every entry of the customer (an order or a risk change may end or resume some). */
  listEntries(customerId: string): Promise<FlowEntry[]>;
  /** The flow's counters, summed over shards. */
  counters(flowId: string): Promise<FlowCounts>;
  /** Unique clicks per campaign (the engagement counters, all days): a click-metric split's successes. */
  clicks(campaignIds: readonly string[]): Promise<Record<string, number>>;
}

/** In-memory ports for the webhook unit tests (the DynamoDB adapters come later). */
import type { OutgoingEvent } from '../../../shared/platform/contracts/events.js';
import type { EventPublisher } from '../../../shared/platform/ports.js';
import { WEBHOOK_DEDUPE, type ClaimOutcome, type OrderOwners, type WebhookDedupe } from '../../../shared/webhooks/receive.js';

export function memoryDedupe(): WebhookDedupe & { records: Map<string, { state: 'pending' | 'done'; at: number }> } {
  const records = new Map<string, { state: 'pending' | 'done'; at: number }>();
  return {
    records,
    async claim(key, at): Promise<ClaimOutcome> {
      const r = records.get(key);
      const lapsed = r?.state === 'pending' && at.getTime() - r.at >= WEBHOOK_DEDUPE.leaseSeconds * 1000;
      if (r && !lapsed) return r.state;
      records.set(key, { state: 'pending', at: at.getTime() });
      return 'claimed';
    },
    async complete(key, at) {
      records.set(key, { state: 'done', at: at.getTime() });
    },
    async release(key) {
      if (records.get(key)?.state === 'pending') records.delete(key);
    },
  };
}

export function memoryOwners(): OrderOwners & { owners: Map<string, string> } {
  const owners = new Map<string, string>();
  return {
    owners,
    ownerOf: async (orderId) => owners.get(orderId) ?? null,
    remember: async (orderId, customerId) => void owners.set(orderId, customerId),
  };
}

/** Records what was published; the first `failures` calls throw (a throttled PutEvents). */
export function recordingPublisher(failures = 0): EventPublisher & { published: OutgoingEvent[]; calls: number } {
  const state = { published: [] as OutgoingEvent[], calls: 0 };
  return Object.assign(state, {
    async publish(events: OutgoingEvent[]) {
      state.calls++;
      if (state.calls <= failures) throw new Error('ThrottlingException: Rate exceeded');
      state.published.push(...events);
    },
  });
}

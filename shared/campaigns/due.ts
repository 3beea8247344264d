/** Every few minutes: deferred sends whose time has come go back to campaign dispatch. */
import { DetailType, type OutgoingEvent } from '../platform/contracts/events.js';
import type { EventPublisher } from '../platform/ports.js';
import { DUE_SHARDS, keys } from '../platform/table/keys.js';
import type { SendStore } from './port.js';

const PAGE = 500;

export async function publishDueSends(deps: { sends: Pick<SendStore, 'listDue'>; publisher: EventPublisher }, now: Date): Promise<number> {
  let published = 0;
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    // One page per shard and run: what remains is due again 15 minutes later, never lost.
    const due = await deps.sends.listDue(keys.dueShardKey(shard), now.toISOString(), PAGE);
    const events: OutgoingEvent[] = due.map((d) => ({ detailType: DetailType.CampaignSendDue, detail: d }));
    await deps.publisher.publish(events);
    published += events.length;
  }
  return published;
}

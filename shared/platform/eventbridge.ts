/** EventPublisher over EventBridge PutEvents (≤ 10 entries a call, partial failures per entry). */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { contracts, type OutgoingEvent } from './contracts/events.js';
import type { EventPublisher } from './ports.js';
import { RetryableError } from './errors.js';

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const chunk = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((e) => {
            // Validate on the way out too: a producer bug must not reach consumers as poison.
            const contract = contracts[e.detailType];
            return {
              EventBusName: this.busName,
              Source: contract.source,
              DetailType: e.detailType,
              Detail: JSON.stringify(contract.schema.parse(e.detail)),
            };
          }),
        }),
      );
      if (out.FailedEntryCount) {
        const codes = (out.Entries ?? []).flatMap((x) => (x.ErrorCode ? [x.ErrorCode] : []));
        throw new RetryableError(`PutEvents: ${out.FailedEntryCount} of ${chunk.length} entries failed (${[...new Set(codes)].join(', ')})`);
      }
    }
  }
}

import { Duration, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';

export interface EngageBusProps {
  /** @default 'engage' */
  readonly eventBusName?: string;
  /** How long the archive keeps events for replay. @default 30 days */
  readonly archiveRetention?: Duration;
}

/** The custom bus every Engage event flows over, with an archive so events can be replayed. */
export class EngageBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: EngageBusProps = {}) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.eventBusName ?? 'engage' });
    // Replaying the archive is the recovery path after a handler bug: every event on this bus.
    this.bus.archive('Archive', {
      description: 'All Engage events, for replay after a faulty deploy',
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.archiveRetention ?? Duration.days(30),
    });
  }

  /** events:PutEvents on this bus only, plus the env var naming it. */
  grantPut(fn: LambdaFunction): void {
    this.bus.grantPutEventsTo(fn);
    fn.addEnvironment(EnvVar.eventBusName, this.bus.eventBusName);
  }
}

import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { Archive, EventBus, Match } from 'aws-cdk-lib/aws-events';
import { AccountRootPrincipal, type IPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { contracts, DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';

export interface EngageBusProps {
  readonly eventBusName: string;
  /** How long the archive keeps events for replay. @default 30 days */
  readonly archiveRetention?: Duration;
  /** Who may assume the shop-publisher role. @default principals of this account allowed to */
  readonly publisherPrincipal?: IPrincipal;
}

/**
 * Events the archive never keeps: a profile carries the shopper's address and name, and an archived
 * copy would outlive an erasure (a replay would bring the erased profile back); erasure requests
 * are retried through their own queue and dead-letter queue, never by replay.
 */
export const UNARCHIVED_EVENTS = [DetailType.CustomerUpserted, DetailType.CustomerEraseRequested] as const;

/** The detail-types a shop may publish: every contract whose source is the shop. */
export const SHOP_DETAIL_TYPES = Object.entries(contracts)
  .filter(([, c]) => c.source === SHOP_SOURCE)
  .map(([type]) => type)
  .sort();

/**
 * The custom bus every Engage event flows over, an archive so events can be replayed, and the role
 * a shop publishes with: it can put shop events only, so no publisher can forge `engage.core`
 * events (a send, a risk change) that Engage itself emits.
 */
export class EngageBus extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly shopPublisherRole: Role;

  constructor(scope: Construct, id: string, props: EngageBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.eventBusName });
    // Replaying the archive is the recovery path after a handler bug.
    this.archive = this.bus.archive('Archive', {
      description: 'Engage events except personal data, for replay after a faulty deploy',
      eventPattern: { account: [Stack.of(this).account], detailType: Match.anythingBut(...UNARCHIVED_EVENTS) },
      retention: props.archiveRetention ?? Duration.days(30),
    });

    this.shopPublisherRole = new Role(this, 'ShopPublisherRole', {
      assumedBy: props.publisherPrincipal ?? new AccountRootPrincipal(),
      description: 'Engage: what a shop backend assumes to publish its events (engage.shop only)',
    });
    this.shopPublisherRole.addToPolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        // EventBridge authorizes each entry of a PutEvents call against these keys.
        conditions: { StringEquals: { 'events:source': SHOP_SOURCE, 'events:detail-type': SHOP_DETAIL_TYPES } },
      }),
    );
    new CfnOutput(this, 'ShopPublisherRoleArn', { description: 'Role a shop backend assumes to publish engage.shop events', value: this.shopPublisherRole.roleArn });
    new CfnOutput(this, 'EventBusName', { description: 'The Engage bus a shop publishes to', value: this.bus.eventBusName });
  }

  /** events:PutEvents on this bus only, plus the env var naming it. */
  grantPut(fn: LambdaFunction): void {
    this.bus.grantPutEventsTo(fn);
    fn.addEnvironment(EnvVar.eventBusName, this.bus.eventBusName);
  }
}

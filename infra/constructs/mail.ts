import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailSendingEvent,
  EventDestination,
  EmailIdentity,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { EnvVar } from '../../shared/platform/config.js';

export interface MailProps {
  /** From address of every Engage message. */
  readonly senderEmail: string;
  /** Verify this domain (DKIM, needed for bulk-sender rules) instead of the single address. */
  readonly senderDomain?: string;
  /** Set false when the identity is managed outside this stack. @default true */
  readonly createIdentity?: boolean;
}

/** SES v2 sending setup: a configuration set with account-level hygiene, and the sender identity. */
export class Mail extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly identity?: EmailIdentity;
  readonly senderEmail: string;
  /** ARNs SES authorizes a send against: the identity of the From address. */
  private readonly identityArns: string[];

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // Never mail an address that bounced or complained: protects the sender reputation.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
    });
    // Bounces and complaints come back to Engage's suppression list via the default bus
    // (the only bus SES publishes to); the message tags carry the customer id.
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.DELIVERY],
    });

    const domain = props.senderDomain ?? props.senderEmail.split('@')[1] ?? props.senderEmail;
    if (props.createIdentity ?? true) {
      this.identity = new EmailIdentity(this, 'Identity', {
        identity: props.senderDomain ? Identity.domain(props.senderDomain) : Identity.email(props.senderEmail),
        configurationSet: this.configurationSet,
      });
      this.identityArns = [this.identity.emailIdentityArn];
    } else {
      // Unknown whether the address or its domain is the verified identity: allow exactly those two.
      this.identityArns = [this.identityArn(props.senderEmail), this.identityArn(domain)];
    }
  }

  private identityArn(name: string): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** ses:SendEmail/SendRawEmail on the sender identity and configuration set only, plus env vars. */
  grantSend(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [...this.identityArns, this.configurationSetArn],
      }),
    );
    fn.addEnvironment(EnvVar.senderEmail, this.senderEmail);
    fn.addEnvironment(EnvVar.configurationSet, this.configurationSet.configurationSetName);
  }
}

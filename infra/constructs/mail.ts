import { ArnFormat, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  MailFromBehaviorOnMxFailure,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';

export interface MailProps {
  /** From address of every Engage message. */
  readonly senderEmail: string;
  /** Verify this domain (Easy DKIM, needed for bulk-sender rules) instead of the single address. */
  readonly senderDomain?: string;
  /** Custom MAIL FROM (a subdomain of senderDomain), so SPF aligns with the From domain. */
  readonly mailFromDomain?: string;
  /** Set false when the identity is managed outside this stack. @default true */
  readonly createIdentity?: boolean;
}

/**
 * Every sending event Engage wants back: bounces and complaints suppress, the rest are recorded or
 * ignored by ses-feedback (see SES_EVENTS in the manifest). SEND and SUBSCRIPTION are not needed.
 */
export const PUBLISHED_SES_EVENTS = [
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.RENDERING_FAILURE,
  EmailSendingEvent.DELIVERY_DELAY,
  EmailSendingEvent.OPEN,
  EmailSendingEvent.CLICK,
];

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
    // SES publishes to the default bus only; the message tags carry the customer id back, and
    // SES's own `ses:configuration-set` tag lets each stage's rule take only its own events.
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: PUBLISHED_SES_EVENTS,
    });

    const domain = props.senderDomain ?? props.senderEmail.split('@')[1] ?? props.senderEmail;
    if (props.createIdentity ?? true) {
      this.identity = new EmailIdentity(this, 'Identity', {
        identity: props.senderDomain ? Identity.domain(props.senderDomain) : Identity.email(props.senderEmail),
        configurationSet: this.configurationSet,
        ...(props.senderDomain
          ? {
              dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
              dkimSigning: true,
              ...(props.mailFromDomain
                ? { mailFromDomain: props.mailFromDomain, mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE }
                : {}),
            }
          : {}),
      });
      // A recreated identity needs new DNS records and a new review; sent mail keeps its DKIM.
      this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.identityArns = [this.identity.emailIdentityArn];
      if (props.senderDomain) this.outputDnsRecords(props.senderDomain, props.mailFromDomain);
    } else {
      // Unknown whether the address or its domain is the verified identity: allow exactly those two.
      this.identityArns = [this.identityArn(props.senderEmail), this.identityArn(domain)];
    }
  }

  /** The records the shop creates at its DNS provider (README: Deploying to AWS). */
  private outputDnsRecords(domain: string, mailFrom?: string): void {
    const identity = this.identity!;
    identity.dkimRecords.forEach((r, i) => new CfnOutput(this, `DkimRecord${i + 1}`, { description: `DKIM: CNAME ${i + 1} of 3 for ${domain}`, value: `${r.name} CNAME ${r.value}` }));
    if (mailFrom) {
      const region = Stack.of(this).region;
      new CfnOutput(this, 'MailFromMx', { description: `MAIL FROM: MX record of ${mailFrom}`, value: `${mailFrom} MX 10 feedback-smtp.${region}.amazonses.com` });
      new CfnOutput(this, 'MailFromSpf', { description: `MAIL FROM: SPF record of ${mailFrom}`, value: `${mailFrom} TXT "v=spf1 include:amazonses.com ~all"` });
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

  /** What a rule on the default bus matches in `detail` to see this stage's sending events only. */
  get eventDetailFilter(): Record<string, unknown> {
    return { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } };
  }

  /**
   * ses:SendEmail/SendRawEmail on the sender identity and configuration set only, and only with the
   * configured From address (a compromised function cannot send as anyone else), plus env vars.
   */
  /** The send lanes pace themselves from the account's quota (GetAccount has no resource-level permission). */
  grantReadAccount(fn: LambdaFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
  }

  grantSend(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [...this.identityArns, this.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': this.senderEmail } },
      }),
    );
    fn.addEnvironment(EnvVar.senderEmail, this.senderEmail);
    fn.addEnvironment(EnvVar.configurationSet, this.configurationSet.configurationSetName);
  }
}

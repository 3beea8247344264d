import { CfnOutput, Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginRequestPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { type CfnFunction, FunctionUrlAuthType, InvokeMode, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { ORIGIN_HEADER } from '../../shared/platform/runtime/origin.js';
import { acknowledgeNag } from '../nag.js';

export interface ShopperLinksProps {
  /** The links function (unsubscribe, surveys). */
  readonly handler: LambdaFunction;
  /** Custom domain of the links, with its ACM certificate (us-east-1). */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  /** A CLOUDFRONT-scope WebACL; none only outside production (settings enforce it). */
  readonly webAclArn?: string;
  /** Concurrency reserved for the links function, which also caps it. */
  readonly reservedConcurrency: number;
}

/**
 * The links in emails: CloudFront (custom domain, WebACL, no caching, every method forwarded with
 * its body and no redirect — RFC 8058 POSTs carry no auth, the signed token is the authorisation)
 * in front of the links function's URL, which answers only requests carrying CloudFront's origin
 * secret (shared/platform/runtime/origin.ts says why not OAC); and the keyring that signs tokens.
 */
export class ShopperLinks extends Construct {
  readonly keyring: Secret;
  readonly originSecret: Secret;
  readonly distribution: Distribution;
  /** Where links in mail point: the custom domain when configured. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: ShopperLinksProps) {
    super(scope, id);
    // JSON {"kid":"k1","secret":"<64 random chars>"}; shared/platform/runtime/keyring.ts reads it.
    // Retained: a replaced keyring would break every unsubscribe link already sent (valid 400 days).
    this.keyring = new Secret(this, 'TokenKeyring', {
      description: 'Engage link-signing keyring (HMAC-SHA256; rotate by adding a new kid, keep the old under "previous")',
      generateSecretString: { secretStringTemplate: JSON.stringify({ kid: 'k1' }), generateStringKey: 'secret', excludePunctuation: true, passwordLength: 64 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(this.keyring, 'AwsSolutions-SMG4', 'Rotation is by key id: unsubscribe links must stay valid 400 days, so old keys are kept, not replaced');

    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'Engage: the header CloudFront presents to the links function ({"current", "previous"?})',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', excludePunctuation: true, passwordLength: 48 },
    });
    acknowledgeNag(this.originSecret, 'AwsSolutions-SMG4', 'Rotated by hand with a current/previous pair so no request is refused (README runbook)');

    const fn = props.handler;
    // Caps what a flood of link requests can take from the account's concurrency and the bill.
    (fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = props.reservedConcurrency;
    const fnUrl = fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    fn.addEnvironment('POWERTOOLS_LOG_LEVEL', 'INFO');

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Engage shopper links',
      defaultBehavior: {
        origin: new FunctionUrlOrigin(fnUrl, {
          customHeaders: { [ORIGIN_HEADER]: SecretValue.secretsManager(this.originSecret.secretArn, { jsonField: 'current' }).unsafeUnwrap() },
          readTimeout: Duration.seconds(15),
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        // Every answer is personal (a token's page): nothing is cached, query and body go through.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // A Function URL answers only to its own Host, so everything but the Host is forwarded.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        // Refuse plain HTTP rather than redirect: a redirected POST loses its body (RFC 8058).
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      },
      // (The default cloudfront.net certificate has a fixed policy: a minimum applies to our own.)
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    this.baseUrl = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;

    acknowledgeNag(this.distribution, 'AwsSolutions-CFR1', 'Shoppers anywhere must be able to unsubscribe: no geo restriction');
    acknowledgeNag(this.distribution, 'AwsSolutions-CFR3', 'Access logs would store every link token in their URLs; the function logs method and route only');
    if (!props.webAclArn) acknowledgeNag(this.distribution, 'AwsSolutions-CFR2', 'A non-production stage outside us-east-1 without a WebACL; production stages require one (infra/production.ts)');
    if (!props.domain) {
      acknowledgeNag(this.distribution, 'AwsSolutions-CFR4', 'The default cloudfront.net certificate allows no minimum TLS version; production stages require a custom domain');
    }

    new CfnOutput(this, 'LinksBaseUrl', { description: 'Where the links in mail point', value: this.baseUrl });
    new CfnOutput(this, 'DistributionDomainName', { description: 'CNAME target of the links domain', value: this.distribution.distributionDomainName });
  }

  /** Read access to the keyring plus the variable naming it. */
  grantKeyring(fn: LambdaFunction): void {
    this.keyring.grantRead(fn);
    fn.addEnvironment(EnvVar.keyringSecretId, this.keyring.secretArn);
  }

  /** Read access to the origin secret plus the variable naming it (the links function only). */
  grantOrigin(fn: LambdaFunction): void {
    this.originSecret.grantRead(fn);
    fn.addEnvironment(EnvVar.linkOriginSecretId, this.originSecret.secretArn);
  }

  /** Where links in mail point (configuration group `linkBase`). */
  pointLinksFrom(fn: LambdaFunction): void {
    fn.addEnvironment(EnvVar.publicBaseUrl, this.baseUrl);
  }
}

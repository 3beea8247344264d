import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface LinksWebAclProps {
  /** Requests per 5 minutes per client IP before it is blocked (HTTP 429). */
  readonly ratePerIp: number;
}

/**
 * The WebACL in front of the shopper links (scope CLOUDFRONT, so it must be created in us-east-1:
 * in the stack when the stage is there, else in infra/edge-app.ts). One rate rule per client IP,
 * except for the RFC 8058 one-click unsubscribe POST: mail providers send those from a few
 * addresses of their own, and an unsubscribe must never be refused (tokens are HMAC-signed, so
 * a flood of forged ones costs only the function's capped concurrency). Sampled requests are off:
 * they would keep the tokens in the URLs.
 */
export class LinksWebAcl extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: LinksWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: false });
    const match = (field: CfnWebACL.FieldToMatchProperty, positionalConstraint: 'EXACTLY' | 'STARTS_WITH', searchString: string) => ({
      byteMatchStatement: { fieldToMatch: field, positionalConstraint, searchString, textTransformations: [{ priority: 0, type: 'NONE' }] },
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Engage shopper links: rate limit per client IP',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('EngageLinks'),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility('EngageLinksRatePerIp'),
          statement: {
            rateBasedStatement: {
              limit: props.ratePerIp,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
              scopeDownStatement: {
                notStatement: {
                  statement: { andStatement: { statements: [match({ method: {} }, 'EXACTLY', 'POST'), match({ uriPath: {} }, 'STARTS_WITH', '/u/')] } },
                },
              },
            },
          },
        },
      ],
    });
  }

  get arn(): string {
    return this.webAcl.attrArn;
  }
}

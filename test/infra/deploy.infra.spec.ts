/**
 * A deploy a careful engineer would make (issue 10, item 7): stages pinned to account and region;
 * a production stage that refuses missing or demo values; the sender domain with DKIM and MAIL
 * FROM; shopper links behind CloudFront on the shop's domain with a WebACL; retained secrets.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';
import { EnvVar, DEFAULTS } from '../../shared/platform/config.js';
import { FunctionName } from '../../shared/platform/contracts/functions.js';
import { ORIGIN_HEADER } from '../../shared/platform/runtime/origin.js';
import { PROD_CONTEXT, SKIP_BUNDLING } from './global-setup.js';
import { synthesized, type Json } from './template.js';

const dev = synthesized('default');
const prod = synthesized('prod');
const build = (context: Record<string, unknown>) => buildApp({ context: { ...SKIP_BUNDLING, ...context } });
const refusal = (context: Record<string, unknown>): string => {
  try {
    build(context);
  } catch (e) {
    return String(e);
  }
  throw new Error('expected the production checks to refuse this context');
};

describe('stages', () => {
  it('name the stack and the bus, and default to an environment-agnostic dev stage', () => {
    expect(dev.stack.stackName).toBe('Engage-dev');
    expect(dev.stack.settings.eventBusName).toBe('engage-dev');
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'engage-dev' });
  });

  it('pin a stage to the account and region of its own block in engage:stages', () => {
    const { stack } = build({ 'engage:stage': 'staging', 'engage:stages': { staging: { account: '210987654321', region: 'eu-west-1' } } });
    expect([stack.stackName, stack.account, stack.region]).toEqual(['Engage-staging', '210987654321', 'eu-west-1']);
  });

  it('the production stage is pinned too, with termination protection', () => {
    expect([prod.stack.account, prod.stack.region, prod.stack.terminationProtection]).toEqual(['123456789012', 'us-east-1', true]);
  });
});

describe('a production stage refuses to synthesize', () => {
  it('without a shop identity, naming every missing value in one message', () => {
    const message = refusal({ 'engage:stage': 'prod' });
    for (const key of ['account:', 'region:', 'senderDomain:', 'senderEmail:', 'shopName:', 'shopAddress:', 'shopUrl:', 'alarmEmail:', 'linksDomain and engage:linksCertificateArn:']) {
      expect(message).toContain(`engage:${key}`);
    }
    expect(message).toMatch(/Stage "prod" is a production stage/);
  });

  it('with the demo values, each named', () => {
    const message = refusal({
      ...PROD_CONTEXT,
      'engage:senderEmail': 'noreply@example.com',
      'engage:shopName': DEFAULTS.shopName,
      'engage:shopAddress': DEFAULTS.shopAddress,
      'engage:shopUrl': DEFAULTS.shopUrl,
      'engage:alarmEmail': 'ops@example.com',
    });
    expect(message).toContain('engage:senderEmail: "noreply@example.com" is a demo address');
    expect(message).toContain('engage:shopName: "Engage Demo Shop" is the demo shop\'s name');
    expect(message).toContain(`engage:shopAddress: "${DEFAULTS.shopAddress}" is the demo address`);
    expect(message).toContain('engage:shopUrl: "https://shop.example.com" is a demo address');
    expect(message).toContain('engage:alarmEmail: "ops@example.com" is a demo address');
  });

  it('with a From address outside the sending domain (DKIM would not align)', () => {
    expect(refusal({ ...PROD_CONTEXT, 'engage:senderEmail': 'hello@other-shop.cn' })).toContain('engage:senderEmail: "hello@other-shop.cn" is not at maple-tea.cn');
  });

  it('outside us-east-1 without a CLOUDFRONT WebACL, pointing at the edge stack; with one it synthesizes', () => {
    const elsewhere = { ...PROD_CONTEXT, 'engage:region': 'eu-west-1' };
    expect(refusal(elsewhere)).toMatch(/engage:wafWebAclArn: CloudFront WebACLs exist only in us-east-1.*infra\/edge-app\.ts/);
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/engage-links/0a1b2c3d-1111-2222-3333-444455556666';
    expect(build({ ...elsewhere, 'engage:wafWebAclArn': arn }).stack.links.distribution).toBeDefined();
  });

  it('also for any stage marked engage:production', () => {
    expect(refusal({ 'engage:stage': 'eu', 'engage:production': 'true' })).toMatch(/Stage "eu" is a production stage/);
  });

  it('and checks value shapes in every stage (a certificate outside us-east-1 is refused)', () => {
    expect(() => build({ 'engage:linksDomain': 'links.maple-tea.cn', 'engage:linksCertificateArn': 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b' })).toThrow(
      /engage:linksCertificateArn: an ACM certificate ARN in us-east-1/,
    );
  });

  it('while the complete production stage passes cdk-nag', () => {
    expect(prod.synthError).toBe('');
  });
});

describe('sender identity (production stage)', () => {
  it('is the domain, with Easy DKIM (2048 bit), a custom MAIL FROM subdomain, and retained', () => {
    prod.template.hasResource('AWS::SES::EmailIdentity', {
      DeletionPolicy: 'Retain',
      Properties: {
        EmailIdentity: 'maple-tea.cn',
        DkimAttributes: { SigningEnabled: true },
        DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
        MailFromAttributes: { MailFromDomain: 'mail.maple-tea.cn', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: prod.logicalId(prod.stack.mail.configurationSet) } },
      },
    });
  });

  it('outputs the DKIM and MAIL FROM records to create at the DNS provider', () => {
    const outputs = Object.keys(prod.template.toJSON().Outputs as Json);
    for (const o of ['DkimRecord1', 'DkimRecord2', 'DkimRecord3', 'MailFromMx', 'MailFromSpf']) expect(outputs.some((k) => k.includes(o))).toBe(true);
  });
});

describe('shopper links', () => {
  const dist = (t: typeof prod) => t.resource(t.logicalId(t.stack.links.distribution)).Properties.DistributionConfig as Json;

  it('are served on the shop domain with its us-east-1 certificate, TLS 1.2+, and the WebACL', () => {
    expect(dist(prod)).toMatchObject({
      Aliases: ['links.maple-tea.cn'],
      ViewerCertificate: { AcmCertificateArn: PROD_CONTEXT['engage:linksCertificateArn'], MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      WebACLId: { 'Fn::GetAtt': [prod.stack.getLogicalId(prod.stack.webAcl!.webAcl), 'Arn'] },
    });
  });

  it('forward every method with its body and query, cache nothing and never redirect (RFC 8058 POST)', () => {
    expect(dist(prod).DefaultCacheBehavior).toMatchObject({
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'POST']),
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      ViewerProtocolPolicy: 'https-only',
    });
  });

  it('reach the function only with the origin secret CloudFront adds (read from Secrets Manager at deploy)', () => {
    const [origin] = dist(prod).Origins as Json[];
    expect(origin!.OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_HEADER, HeaderValue: expect.objectContaining({ 'Fn::Join': expect.anything() }) }]);
    expect(JSON.stringify(origin!.OriginCustomHeaders)).toContain('{{resolve:secretsmanager:');
    expect(JSON.stringify(origin!.OriginCustomHeaders)).toContain(':SecretString:current::}}');
    expect(prod.environmentOf(FunctionName.Links)[EnvVar.linkOriginSecretId]).toEqual({ Ref: prod.logicalId(prod.stack.links.originSecret) });
  });

  it('are rate limited per client IP by a CLOUDFRONT WebACL, except the one-click unsubscribe POST', () => {
    const acl = prod.resource(prod.stack.getLogicalId(prod.stack.webAcl!.webAcl)).Properties as Json;
    expect(acl.Scope).toBe('CLOUDFRONT');
    const [rule] = acl.Rules as Json[];
    expect(rule!.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    const rate = rule!.Statement.RateBasedStatement as Json;
    expect([rate.Limit, rate.AggregateKeyType]).toEqual([600, 'IP']);
    const exempt = rate.ScopeDownStatement.NotStatement.Statement.AndStatement.Statements as Json[];
    expect(exempt.map((s) => [Object.keys(s.ByteMatchStatement.FieldToMatch)[0], s.ByteMatchStatement.SearchString])).toEqual([
      ['Method', 'POST'],
      ['UriPath', '/u/'],
    ]);
  });

  it('run on a function with reserved (and so capped) concurrency', () => {
    expect(prod.resource(prod.fnId(FunctionName.Links)).Properties.ReservedConcurrentExecutions).toBe(10);
  });

  it('in mail point at the custom domain', () => {
    expect(prod.environmentOf(FunctionName.CampaignDispatch)[EnvVar.publicBaseUrl]).toBe('https://links.maple-tea.cn');
  });

  it('are signed with a keyring that survives stack deletion and replacement (links live 400 days)', () => {
    for (const t of [dev, prod]) {
      expect(t.resource(t.logicalId(t.stack.links.keyring))).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });
});

describe('edge stack (stages outside us-east-1)', () => {
  const edge = inject('infraEdge');
  const template = Template.fromJSON(JSON.parse(readFileSync(edge.templateFile, 'utf8')));

  it('holds the links WebACL in CLOUDFRONT scope, outputs its ARN, and passes cdk-nag', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    expect(Object.keys(template.toJSON().Outputs as Json)).toContain('WebAclArn');
    expect(edge.synthError).toBe('');
  });
});

describe('SES feedback (every stage)', () => {
  it('takes only this stage\'s configuration set from the default bus (a second stage cannot suppress our customers)', () => {
    const consumer = dev.stack.consumers.find((c) => c.node.id === 'SesFeedbackRoute')!;
    const rule = dev.resource(dev.logicalId(consumer.rule)).Properties as Json;
    expect(rule.EventBusName).toBe('default');
    expect(rule.EventPattern.detail).toEqual({ mail: { tags: { 'ses:configuration-set': [{ Ref: dev.logicalId(dev.stack.mail.configurationSet) }] } } });
  });
});

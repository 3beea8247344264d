/**
 * The edge stack of a stage outside us-east-1: the links WebACL, which CloudFront accepts only
 * from us-east-1. Deploy it once per stage, then give its WebAclArn output to the stage:
 *   npx cdk deploy -a "npx tsx infra/edge-app.ts" -c engage:stage=prod
 *   npx cdk deploy -c engage:stage=prod -c engage:wafWebAclArn=<WebAclArn>
 * It reads the same context as the main app (stage, account, linksRateLimit) without the
 * production checks: it holds no shop identity, and is needed before those are complete.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LinksWebAcl } from './constructs/links-web-acl.js';
import { readSettings } from './settings.js';

export function buildEdgeApp(props: AppProps = {}): { app: App; stack: Stack; webAcl: LinksWebAcl } {
  const app = new App(props);
  const s = readSettings(app, { checkProduction: false });
  const stack = new Stack(app, `Engage-${s.stage}-edge`, {
    description: `Engage (${s.stage}): the links WebACL (CloudFront scope, us-east-1)`,
    env: { region: 'us-east-1', ...(s.account ? { account: s.account } : {}) },
  });
  const webAcl = new LinksWebAcl(stack, 'LinksWebAcl', { ratePerIp: s.linksRateLimit });
  new CfnOutput(stack, 'WebAclArn', { description: `Set as engage:wafWebAclArn of stage ${s.stage}`, value: webAcl.arn });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, webAcl };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildEdgeApp().app.synth();
}

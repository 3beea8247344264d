import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EngageStack } from './engage-stack.js';
import { readSettings } from './settings.js';

export interface BuiltApp {
  readonly app: App;
  readonly stack: EngageStack;
}

/**
 * The Engage app with cdk-nag's AwsSolutions pack as a validation plugin: `app.synth()` (and so
 * `cdk synth`) fails on any finding not acknowledged next to the resource it concerns.
 */
export function buildApp(props: AppProps = {}): BuiltApp {
  const app = new App(props);
  const settings = readSettings(app);
  // One stack per stage; pinned to the stage's account/region when given, so `cdk deploy` with
  // credentials for another account refuses instead of deploying there.
  const stack = new EngageStack(app, `Engage-${settings.stage}`, {
    description: `Engage (${settings.stage}): serverless customer-engagement automation`,
    ...(settings.account || settings.region ? { env: { account: settings.account, region: settings.region } } : {}),
    terminationProtection: settings.production,
    settings,
  });
  Tags.of(stack).add('engage:stage', settings.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

// Only synthesize when run as the CDK app entry point (tests import buildApp instead).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildApp().app.synth();
}

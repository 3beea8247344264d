import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { manifest, timeoutSecondsOf, type FunctionName } from '../../shared/platform/contracts/functions.js';
import { PRECOMPILED_MJML_FILE } from '../../shared/campaigns/mjml-compile.js';
import { acknowledgeNag } from '../nag.js';

/** Repository root, resolved from this file so synth works from any cwd and any machine. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** nodejs24.x is the newest Node runtime in aws-cdk-lib 2.276, which is what AwsSolutions-L1 demands. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** Where the campaign definitions live inside a bundle that reads them (config group `campaigns`). */
export const BUNDLED_CAMPAIGNS_DIR = '/var/task/campaigns';
/** Where loyalty.yaml lives inside a bundle that reads it (config group `loyalty`). */
export const BUNDLED_LOYALTY_CONFIG = '/var/task/loyalty.yaml';

/** Runs scripts/precompile-mjml.ts with this node and the project's tsx (no network, no npx). */
const precompileCommand = (campaignsDir: string, outFile: string): string =>
  [process.execPath, path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'scripts', 'precompile-mjml.ts'), campaignsDir, outFile]
    .map((a) => `"${a}"`)
    .join(' ');

export interface EngageFunctionProps {
  readonly name: FunctionName;
  /** @default one month */
  readonly logRetention?: RetentionDays;
}

/**
 * One Engage handler: `functions/<name>/handler.ts` bundled locally by esbuild as ESM for ARM64,
 * sized from its manifest entry, with the files its configuration groups read copied into the
 * bundle. The role is explicit (no AWSLambdaBasicExecutionRole) so it can write only to its own
 * log group; permissions and the environment are added by the constructs that own the resources.
 */
export class EngageFunction extends NodejsFunction {
  readonly engageName: FunctionName;

  constructor(scope: Construct, id: string, props: EngageFunctionProps) {
    const spec = manifest[props.name];
    const config: readonly string[] = spec.config;
    const bundleCampaigns = config.includes('campaigns');
    // Functions that send mail render campaign templates: their MJML is compiled into the bundle.
    const precompileMjml = bundleCampaigns && config.includes('mail');
    const bundleFiles = config.includes('loyalty') ? ['loyalty.yaml'] : [];
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Engage ${props.name} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(REPO_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: ('memoryMb' in spec ? spec.memoryMb : undefined) ?? 512,
      timeout: Duration.seconds(timeoutSecondsOf(props.name)),
      tracing: Tracing.ACTIVE,
      // No reserved concurrency: it would carve capacity out of the account pool for all time;
      // every trigger is an SQS queue or the schedule, which already buffer bursts.
      role,
      logGroup,
      // Powertools Logger emits JSON; Lambda's JSON format keeps platform lines parseable too.
      loggingFormat: LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: 'Engage',
        NODE_OPTIONS: '--enable-source-maps',
        ...(bundleCampaigns ? { [EnvVar.campaignsDir]: BUNDLED_CAMPAIGNS_DIR } : {}),
        ...(bundleFiles.length ? { [EnvVar.loyaltyConfig]: BUNDLED_LOYALTY_CONFIG } : {}),
      },
      bundling: {
        // Local esbuild only: synth must work offline and in CI without Docker.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // ESM bundles have no `require`; some CJS dependencies call it for Node built-ins.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        target: 'node24',
        // The runtime ships AWS SDK v3; bundling it would only grow cold starts. MJML never runs in
        // Lambda (templates are compiled at build time), and it would pull in ~7 MB, the
        // TypeScript compiler among it: left out, so importing it there fails loudly.
        externalModules: ['@aws-sdk/*', 'mjml'],
        ...(bundleCampaigns || bundleFiles.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  ...(bundleCampaigns ? [`cp -r "${path.join(inputDir, 'campaigns')}" "${path.join(outputDir, 'campaigns')}"`] : []),
                  ...(precompileMjml ? [precompileCommand(path.join(inputDir, 'campaigns'), path.join(outputDir, 'campaigns', PRECOMPILED_MJML_FILE))] : []),
                  ...bundleFiles.map((f) => `cp "${path.join(inputDir, f)}" "${path.join(outputDir, path.basename(f))}"`),
                ],
              },
            }
          : {}),
      },
    });
    this.engageName = props.name;

    // X-Ray's PutTraceSegments/PutTelemetryRecords support no resource-level permissions; the
    // stack tests assert that '*' appears on no other action of these roles.
    acknowledgeNag(role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords (and ses:GetAccount, which a send lane reads) accept only Resource "*"');
  }
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import type { FunctionName } from '../../shared/platform/contracts/routing.js';
import { acknowledgeNag } from '../nag.js';

/** Repository root, resolved from this file so synth works from any cwd and any machine. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** nodejs24.x is the newest Node runtime in aws-cdk-lib 2.276, which is what AwsSolutions-L1 demands. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** Where the campaign definitions live inside the campaign-dispatch bundle. */
export const BUNDLED_CAMPAIGNS_DIR = '/var/task/campaigns';

export interface EngageFunctionProps {
  readonly name: FunctionName;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /** Copy the repo's `campaigns/` directory into the bundle (campaign-dispatch reads it at runtime). */
  readonly bundleCampaigns?: boolean;
  /** Further repo-relative files copied to the bundle root (e.g. loyalty.yaml), read at cold start. */
  readonly bundleFiles?: string[];
  /** @default one month */
  readonly logRetention?: RetentionDays;
}

/**
 * One Engage handler: `functions/<name>/handler.ts` bundled locally by esbuild as ESM for ARM64.
 * The role is explicit (no AWSLambdaBasicExecutionRole) so it can write only to its own log group.
 */
export class EngageFunction extends NodejsFunction {
  readonly engageName: FunctionName;

  constructor(scope: Construct, id: string, props: EngageFunctionProps) {
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
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
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
        ...(props.bundleCampaigns ? { [EnvVar.campaignsDir]: BUNDLED_CAMPAIGNS_DIR } : {}),
        ...props.environment,
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
        // The runtime ships AWS SDK v3; bundling it would only grow cold starts.
        externalModules: ['@aws-sdk/*'],
        ...(props.bundleCampaigns || props.bundleFiles?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  ...(props.bundleCampaigns ? [`cp -r "${path.join(inputDir, 'campaigns')}" "${path.join(outputDir, 'campaigns')}"`] : []),
                  ...(props.bundleFiles ?? []).map((f) => `cp "${path.join(inputDir, f)}" "${path.join(outputDir, path.basename(f))}"`),
                ],
              },
            }
          : {}),
      },
    });
    this.engageName = props.name;

    // X-Ray's PutTraceSegments/PutTelemetryRecords support no resource-level permissions; the
    // stack tests assert that '*' appears on no other action of these roles.
    acknowledgeNag(role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords accept only Resource "*"');
  }
}

import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { privateBucket } from '../private-bucket.js';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { acknowledgeNag, nagArnRef } from '../nag.js';

/** Objects live under this prefix only (shared/churn/partials.ts). */
export const REFIT_PREFIX = 'refit';

/**
 * The private bucket where the refit's segments leave their partial samples for the fit
 * (`refit/<run>/<segment>-of-<n>/<cursor>.json`): customer ids and order summaries, needed for
 * one run only, so they expire after 7 days.
 */
export class RefitPartialsBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = privateBucket(this, 'Bucket', [{ prefix: `${REFIT_PREFIX}/`, expiration: Duration.days(7) }]);
    acknowledgeNag(this.bucket, 'AwsSolutions-S1', 'Written and read by the weekly refit only, objects expire in 7 days; CloudTrail records its API calls, server access logs would add a second bucket for no reader');
  }

  /**
   * GetObject (both) and PutObject (the segments) under the refit prefix; ListBucket on that
   * prefix so that a missing partial reads as "no such key" rather than "access denied".
   */
  grantTo(fn: LambdaFunction, access: 'read' | 'readWrite'): void {
    const actions = access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'];
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${REFIT_PREFIX}/*`)] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${REFIT_PREFIX}/*`] } } }));
    fn.addEnvironment(EnvVar.refitBucket, this.bucket.bucketName);
    acknowledgeNag(fn.role!, `AwsSolutions-IAM5[Resource::${nagArnRef(this.bucket)}/${REFIT_PREFIX}/*]`, 'Objects are named per run, segment and cursor under the refit/ prefix: the prefix is the narrowest resource');
  }
}

import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { privateBucket } from '../private-bucket.js';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { acknowledgeNag, nagArnRef } from '../nag.js';

/**
 * The private bucket of the weekly reports (`reports/<week>.html`) and the digest markers that
 * keep a retried run from mailing twice (`digests/<week>.json`). Aggregates only (KPIs, campaign
 * figures, survey comments without names); kept 400 days like send records, retained with the stack.
 */
export class ReportArchive extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = privateBucket(this, 'Bucket', [
      { prefix: 'reports/', expiration: Duration.days(400) },
      { prefix: 'digests/', expiration: Duration.days(30) },
    ]);
    acknowledgeNag(this.bucket, 'AwsSolutions-S1', 'Written once a week by one function and read by operators through IAM; CloudTrail records its API calls, server access logs would add a second bucket for no reader');
  }

  /** PutObject under its two prefixes (the conditional create included), DeleteObject of a
   * released digest marker: nothing else, no read (operators read through their own IAM). */
  grantWrite(fn: LambdaFunction): void {
    const objects = (prefix: string) => this.bucket.arnForObjects(`${prefix}/*`);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects('reports'), objects('digests')] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [objects('digests')] }));
    fn.addEnvironment(EnvVar.reportBucket, this.bucket.bucketName);
    const bucket = nagArnRef(this.bucket);
    for (const prefix of ['reports', 'digests']) {
      acknowledgeNag(fn.role!, `AwsSolutions-IAM5[Resource::${bucket}/${prefix}/*]`, `Objects are named per week under the ${prefix}/ prefix: the prefix is the narrowest resource`);
    }
  }
}

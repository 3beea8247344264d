import { RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** A bucket only Engage's functions and operators (through IAM) use: no public access, S3-managed
 * encryption, TLS only, ACLs off, retained with the stack; objects expire by `lifecycleRules`. */
export const privateBucket = (scope: Construct, id: string, lifecycleRules: LifecycleRule[]): Bucket =>
  new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules,
  });

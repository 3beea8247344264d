import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { acknowledgeNag, nagArnRef } from '../nag.js';
import { TABLE_INDEXES, TableAttr } from '../../shared/platform/table/keys.js';

/**
 * The single Engage table (design in shared/platform/table/keys.ts). Customer history is the product's
 * memory, so the table survives stack deletion and can be restored to any point in time.
 */
export class EngageTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TableAttr.pk, type: AttributeType.STRING },
      sortKey: { name: TableAttr.sk, type: AttributeType.STRING },
      // Traffic follows shop events and a nightly sweep: spiky, so on-demand.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TableAttr.ttl,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    // Sparse indexes (only items carrying the key attribute appear): customer summaries for the
    // sweep, never orders; deferred sends by due time.
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } } : {}),
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** Read/write on the table and its indexes, plus the env var the handler reads the name from. */
  grantReadWrite(fn: LambdaFunction): void {
    this.table.grantReadWriteData(fn);
    this.finishGrant(fn);
  }

  grantRead(fn: LambdaFunction): void {
    this.table.grantReadData(fn);
    this.finishGrant(fn);
  }

  private finishGrant(fn: LambdaFunction): void {
    fn.addEnvironment(EnvVar.tableName, this.table.tableName);
    if (fn.role) {
      acknowledgeNag(
        fn.role,
        `AwsSolutions-IAM5[Resource::${nagArnRef(this.table)}/index/*]`,
        'Index ARNs of this one table only: the sweep scans the customers GSI',
      );
    }
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/config.js';
import { acknowledgeNag, nagArnRef } from '../nag.js';
import { CUSTOMERS_INDEX, TableAttr } from '../../shared/table/keys.js';

/**
 * The single Engage table (design in shared/table/keys.ts). Customer history is the product's
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
    // Sparse: only customer items carry gsi1pk, so the sweep scans summaries and never orders.
    this.table.addGlobalSecondaryIndex({
      indexName: CUSTOMERS_INDEX,
      partitionKey: { name: TableAttr.gsi1pk, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
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

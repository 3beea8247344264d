import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Grants } from '../../shared/platform/contracts/functions.js';
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

  /**
   * Data-plane access as the function's manifest grants it: the table, and exactly the indexes
   * listed (no index/* wildcard), plus the variable the handler reads the name from.
   */
  grantTo(fn: LambdaFunction, grant: NonNullable<Grants['table']>): void {
    const actions = grant.access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    const resources = [this.table.tableArn, ...grant.indexes.map((i) => `${this.table.tableArn}/index/${i}`)];
    fn.addToRolePolicy(new PolicyStatement({ actions: [...actions], resources }));
    fn.addEnvironment(EnvVar.tableName, this.table.tableName);
  }
}

/** What reading items takes (TransactWriteItems needs the item actions it contains). */
export const TABLE_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'] as const;
export const TABLE_WRITE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

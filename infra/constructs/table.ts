import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Grants } from '../../shared/platform/contracts/functions.js';
import { PARTITIONS, TABLE_INDEXES, TableAttr, type IndexName } from '../../shared/platform/table/keys.js';

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
        projectionType: index.keysOnly ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
  }

  /**
   * Data-plane access as the function's manifest grants it: item actions on the table limited to
   * the listed partition families (dynamodb:LeadingKeys; Scan is not an item action, so it is
   * not granted then), each listed index in its one access pattern, exact index ARNs (no
   * index/*), plus the variable the handler reads the name from.
   */
  grantTo(fn: LambdaFunction, grant: NonNullable<Grants['table']>): void {
    const itemActions = grant.access === 'read' ? ITEM_READ_ACTIONS : [...ITEM_READ_ACTIONS, ...ITEM_WRITE_ACTIONS];
    if (!grant.partitions) {
      fn.addToRolePolicy(new PolicyStatement({ actions: [...itemActions, ...TABLE_WIDE_ACTIONS], resources: [this.table.tableArn] }));
    } else if (grant.partitions.length) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [...itemActions],
          resources: [this.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.partitions.map((p) => PARTITIONS[p]) } },
        }),
      );
    }
    if (grant.reads?.length) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [...ITEM_READ_ACTIONS],
          resources: [this.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.reads.map((p) => PARTITIONS[p]) } },
        }),
      );
    }
    for (const index of grant.indexes) {
      fn.addToRolePolicy(new PolicyStatement({ actions: [...INDEX_ACTIONS[index]], resources: [`${this.table.tableArn}/index/${index}`] }));
    }
    fn.addEnvironment(EnvVar.tableName, this.table.tableName);
  }
}

/** Actions on items by key (TransactWriteItems needs the item actions it contains). */
export const ITEM_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'] as const;
export const ITEM_WRITE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
/** Only for a grant over the whole table. */
export const TABLE_WIDE_ACTIONS = ['dynamodb:Scan'] as const;
/** The one access pattern of each index (shared/platform/table/keys.ts). */
export const INDEX_ACTIONS: Record<IndexName, readonly string[]> = {
  customers: ['dynamodb:Scan'],
  due: ['dynamodb:Query'],
  loyaltyDue: ['dynamodb:Query'],
};

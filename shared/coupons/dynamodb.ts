/** CouponStore over the Engage table (access pattern 10: COUPON#<sha256 of the code>). */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable } from '../platform/table/dynamodb.js';
import { keys } from '../platform/table/keys.js';
import type { CouponStore, Redemption } from './port.js';
import type { CouponState } from './redeem.js';

export class DynamoCouponStore extends DynamoTable implements CouponStore {
  async putCoupon(coupon: CouponState): Promise<boolean> {
    return this.conditional(new PutCommand({ TableName: this.tableName, Item: { ...keys.coupon(coupon.codeHash), coupon }, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async getCoupon(codeHash: string): Promise<CouponState | null> {
    return ((await this.get(keys.coupon(codeHash)))?.coupon as CouponState | undefined) ?? null;
  }

  async redeemCoupon(codeHash: string, r: Redemption): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.coupon(codeHash),
        UpdateExpression: 'SET coupon.redeemedBy = :o, coupon.redeemedAt = :at, attribution = :a',
        // Two concurrent orders with one code: exactly one condition holds.
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(coupon.redeemedBy) OR coupon.redeemedBy = :o)',
        ExpressionAttributeValues: { ':o': r.orderId, ':at': r.at, ':a': { orderId: r.orderId, revenue: r.revenue, discount: r.discount } },
      }),
    );
  }
}

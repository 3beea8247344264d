/** CouponStore over the Engage table (access pattern 10: COUPON#<sha256 of the code>). */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable } from '../platform/table/dynamodb.js';
import { instantMs } from '../platform/time.js';
import { keys } from '../platform/table/keys.js';
import type { CouponStore, Redemption } from './port.js';
import type { CouponState } from './redeem.js';

export class DynamoCouponStore extends DynamoTable implements CouponStore {
  /**
   * The coupon, and a pointer in the customer's partition (so their coupons are one Query away
   * for customer lookups, and erasure's partition delete takes it too), in one transaction; never
   * for an erased owner: a send in flight when its customer was erased must not leave a coupon
   * (with the customer's id) behind.
   */
  async putCoupon(coupon: CouponState): Promise<boolean> {
    return this.conditional(
      new TransactWriteCommand({
        TransactItems: [
          this.notErased(coupon.customerId),
          { Put: { TableName: this.tableName, Item: { ...keys.coupon(coupon.codeHash), coupon }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.tableName, Item: { ...keys.couponRef(coupon.customerId, coupon.codeHash), codeHash: coupon.codeHash } } },
        ],
      }),
    );
  }

  async listCustomerCoupons(customerId: string): Promise<CouponState[]> {
    const refs = await this.queryPrefix(keys.customer(customerId).pk, keys.couponRefPrefix, { consistent: false });
    const found = await this.batchGet(refs.map((r) => keys.coupon(r.codeHash as string)), { consistent: false });
    return [...found.values()].map((i) => i.coupon as CouponState).sort((a, b) => instantMs(b.issuedAt) - instantMs(a.issuedAt));
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

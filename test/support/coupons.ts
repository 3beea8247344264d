/** A fixed coupon-code key for tests and benches: codes derived with it are stable across runs. */
import { couponDeriver } from '../../shared/coupons/derive.js';

export const TEST_COUPON_KEY = { kid: 'test', secret: Buffer.alloc(32, 7) };
export const testCoupons = couponDeriver(TEST_COUPON_KEY);

/**
 * What shoppers do before they order: checkouts, carts and product views, as a shop (or its
 * platform's webhooks) reports them. Flows enter on them (abandoned checkout, browse follow-up);
 * templates loop over the lines (`{% for line in cart.lines %}`).
 */
import { z } from 'zod';
import { Count, Currency, Id, Money, ShopTime, Text } from './primitives.js';

/** A link a mail may carry: http(s) only, bounded. */
export const ShopUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const CartLine = z.object({
  sku: Id,
  title: Text(200).min(1),
  url: ShopUrl.optional(),
  imageUrl: ShopUrl.optional(),
  /** Unit price, shop currency. */
  price: Money,
  quantity: Count.max(10_000),
});
export type CartLine = z.infer<typeof CartLine>;

export const CheckoutStarted = z.object({
  checkoutId: Id,
  customerId: Id,
  lines: z.array(CartLine).min(1).max(100),
  total: Money,
  currency: Currency,
  /** Where the shopper picks the checkout up again (the platform's recovery URL). */
  url: ShopUrl.optional(),
  occurredAt: ShopTime,
});
export type CheckoutStarted = z.infer<typeof CheckoutStarted>;

/** The cart as it is now (every update carries all lines; an empty cart has none). */
export const CartUpdated = z.object({
  cartId: Id,
  customerId: Id,
  lines: z.array(CartLine).max(100),
  total: Money,
  currency: Currency,
  url: ShopUrl.optional(),
  occurredAt: ShopTime,
});
export type CartUpdated = z.infer<typeof CartUpdated>;

export const ProductViewed = z.object({
  customerId: Id,
  product: CartLine.omit({ quantity: true }),
  currency: Currency,
  occurredAt: ShopTime,
});
export type ProductViewed = z.infer<typeof ProductViewed>;

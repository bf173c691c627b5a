/*
 * The cart's lines against today's catalog, on the cart page: what may still be bought, and at which intervals
 * a subscription of these lines can be delivered. Pure: no DOM, no storage; Node imports it for the tests.
 */
import { isSubscriptionLine } from './cart-lines.js';
import { findProduct, offersInterval, purchaseLimit } from './catalog.js';
import { unitPrice } from './pricing.js';

/** Drops lines the catalog no longer sells and trims quantities (per SKU, across lines) to what may be bought. */
export function reconcileCart(catalog, items) {
  let changed = false;
  const kept = [];
  const taken = {};
  items.forEach((item) => {
    const product = findProduct(catalog, item.sku);
    if (!product || product.stock === 0) { changed = true; return; }
    try { unitPrice(product, item.options); } catch (error) { changed = true; return; }
    if (isSubscriptionLine(item) && !offersInterval(product, item.interval)) {
      // No longer offered at this interval: at another if the product still has one, else not as a subscription.
      if (!product.subscription || !product.subscription.intervals.length) { changed = true; return; }
      item.interval = product.subscription.intervals[0];
      changed = true;
    }
    const room = purchaseLimit(product) - (taken[item.sku] || 0);
    if (room <= 0) { changed = true; return; }
    if (item.quantity > room) { item.quantity = room; changed = true; }
    taken[item.sku] = (taken[item.sku] || 0) + item.quantity;
    kept.push(item);
  });
  return { items: kept, changed };
}

/** Every interval offered by all of these subscription lines' products, in the first product's order. */
export function sharedIntervals(catalog, lines) {
  if (!lines.length) return [];
  return findProduct(catalog, lines[0].sku).subscription.intervals.filter((value) =>
    lines.every((line) => offersInterval(findProduct(catalog, line.sku), value)));
}

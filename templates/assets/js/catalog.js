/*
 * Looking things up in catalog.json (the price manifest the pages and the verify function share): a product by
 * SKU, whether it is sold as a subscription at an interval, how many one order may hold. Pure: no DOM; Node
 * imports it for the tests.
 */

/** The most of one SKU an order may hold, whatever the catalog says. */
export const ABSOLUTE_MAX_QUANTITY = 9999;

export function findProduct(catalog, sku) {
  return catalog.products.find((product) => product.sku === sku) || null;
}

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether `product` is sold as a subscription delivered at `interval` ("2w", "1m"). */
export function offersInterval(product, interval) {
  return Boolean(product.subscription && Array.isArray(product.subscription.intervals) &&
    product.subscription.intervals.indexOf(interval) >= 0);
}

/** How many of a product one order may hold: the smaller of its stock and its per-order limit. */
export function purchaseLimit(product) {
  return Math.min(product.max_quantity == null ? ABSOLUTE_MAX_QUANTITY : product.max_quantity,
    product.stock == null ? ABSOLUTE_MAX_QUANTITY : product.stock);
}

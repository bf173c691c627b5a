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

/** Whether a product's timed sale is on at `time` (Unix seconds): from `from` (inclusive) until `until` (exclusive). */
export function saleIsOn(sale, time) {
  if (!sale || time === undefined || time === null) return false;
  if (sale.from !== undefined && sale.from !== null && time < sale.from) return false;
  if (sale.until !== undefined && sale.until !== null && time >= sale.until) return false;
  return true;
}

/** The product's own price at `time`: the sale price while its sale is on. */
export function productPrice(product, time) {
  return saleIsOn(product.sale, time) ? product.sale.price : product.price;
}

/** The next moment after `now` at which a sale of one of these SKUs starts or ends, or null. */
export function nextSaleBoundary(catalog, skus, now) {
  let next = null;
  skus.forEach((sku) => {
    const product = findProduct(catalog, sku);
    const sale = product && product.sale;
    if (!sale) return;
    [sale.from, sale.until].forEach((moment) => {
      if (moment !== undefined && moment !== null && moment > now && (next === null || moment < next)) next = moment;
    });
  });
  return next;
}

/*
 * The cart's lines ([{sku, quantity, options, interval?}]) and the rules between them and the catalog: what a
 * stored cart may hold, which lines are one, which are 정기배송 and at what interval. Pure: no DOM, no storage
 * (cart.js keeps them); Node imports it for the tests. (What may still be bought: cart-catalog.js.)
 */
import { findProduct, isPlainObject, offersInterval } from './catalog.js';

/** The well-formed lines of a stored cart (anything else is dropped: storage is the buyer's to edit). */
export function cleanLines(stored) {
  if (!Array.isArray(stored)) return [];
  return stored.filter((item) => isPlainObject(item) && typeof item.sku === 'string' && Number.isInteger(item.quantity) &&
    item.quantity > 0 && isPlainObject(item.options || {})
  ).map((item) => {
    const line = { sku: item.sku, quantity: item.quantity, options: item.options || {} };
    if (typeof item.interval === 'string' && /^\d+[wm]$/.test(item.interval)) line.interval = item.interval;
    return line;
  });
}

/** A 정기배송 line: delivered every `interval` until cancelled, checked out apart from one-off lines. */
export function isSubscriptionLine(item) { return Boolean(item.interval); }

function sortedOptions(options) {
  const sorted = {};
  Object.keys(options || {}).sort().forEach((key) => { sorted[key] = options[key]; });
  return sorted;
}

/** Whether two lines are the same thing bought the same way (so adding one adds to the other's quantity). */
export function sameLine(a, b) {
  return a.sku === b.sku && isSubscriptionLine(a) === isSubscriptionLine(b) &&
    JSON.stringify(sortedOptions(a.options)) === JSON.stringify(sortedOptions(b.options));
}

/**
 * Gives every subscription line of the cart `interval` where its product offers it (any product, without a
 * catalog): one subscription delivers everything together. Changes `items` in place; returns whether any changed.
 */
export function alignIntervals(catalog, items, interval) {
  let changed = false;
  items.forEach((item) => {
    if (!isSubscriptionLine(item) || item.interval === interval) return;
    const product = catalog ? findProduct(catalog, item.sku) : null;
    if (catalog && !(product && offersInterval(product, interval))) return;
    item.interval = interval;
    changed = true;
  });
  return changed;
}

/** How many lines are 정기배송 and how many are bought once. */
export function lineCounts(items) {
  const subscription = items.filter(isSubscriptionLine).length;
  return { subscription, once: items.length - subscription };
}

/** The lines one checkout pays for: the subscription lines, or the one-off lines. */
export function linesOf(items, mode) {
  return items.filter((item) => isSubscriptionLine(item) === (mode === 'subscription'));
}

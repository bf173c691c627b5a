/*
 * Prices an order from catalog.json: the mirror of GageCore's Pricing (Swift), rule for rule. The verify
 * function reprices every payment in Swift; Tests/GageSiteTests/PricingAgreementTests runs both on the same
 * carts and compares. Pure: no DOM, no storage; Node imports it for the tests.
 */
import { ABSOLUTE_MAX_QUANTITY, findProduct, isPlainObject, offersInterval } from './catalog.js';

/** Why an order cannot be priced; `reason` is one of SPEC §3's codes (unknown_item, sold_out, …). */
export class PricingError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = 'PricingError';
    this.reason = reason;
  }
}

/** The product's price plus each chosen option value's price. Every option needs a choice. */
export function unitPrice(product, chosen) {
  chosen = chosen || {};
  for (const name of Object.keys(chosen)) {
    if (!product.options.some((option) => option.name === name)) {
      throw new PricingError('unknown_item', product.sku + ' has no option ' + name);
    }
  }
  let price = product.price;
  for (const option of product.options) {
    if (!Object.prototype.hasOwnProperty.call(chosen, option.name)) {
      throw new PricingError('unknown_item', product.sku + ': no value chosen for ' + option.name);
    }
    const label = chosen[option.name];
    const value = option.values.find((candidate) => candidate.label === label);
    if (!value) throw new PricingError('unknown_item', product.sku + ': ' + option.name + ' has no value ' + label);
    price += value.price || 0;
  }
  return price;
}

/**
 * Prices `items` ([{sku, quantity, options}]) against `catalog` (catalog.json).
 * Returns {items: [{sku, title, quantity, options, price}], subtotal, shipping, total}
 * or throws a PricingError whose `reason` is one of SPEC §3's codes.
 * With `interval`, prices one delivery of a subscription: every product must offer that interval, and its
 * subscriber price replaces the product price (options still add theirs).
 */
export function priceOrder(catalog, items, alreadySold, interval) {
  alreadySold = alreadySold || {};
  if (!Array.isArray(items) || items.length === 0) throw new PricingError('bad_custom_data', 'the order has no items');
  const priced = [];
  const quantityBySKU = new Map();   // in the order SKUs first appear (an object would sort numeric SKUs)
  let subtotal = 0;
  items.forEach((item, i) => {
    if (!isPlainObject(item) || typeof item.sku !== 'string') {
      throw new PricingError('bad_custom_data', 'item ' + i + ' is not {sku, quantity, options}');
    }
    const options = item.options === undefined || item.options === null ? {} : item.options;
    if (!isPlainObject(options) || Object.keys(options).some((key) => typeof options[key] !== 'string')) {
      throw new PricingError('bad_custom_data', 'item ' + i + ' has malformed options');
    }
    const quantity = item.quantity;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > ABSOLUTE_MAX_QUANTITY) {
      throw new PricingError('bad_custom_data', item.sku + ': quantity ' + quantity + ' is not a whole number from 1 up');
    }
    let product = findProduct(catalog, item.sku);
    if (!product) throw new PricingError('unknown_item', 'no product with SKU ' + item.sku);
    if (interval) {
      if (!offersInterval(product, interval)) throw new PricingError('unknown_item', item.sku + ' is not offered every ' + interval);
      product = Object.assign({}, product, { price: product.subscription.price });
    }
    const price = unitPrice(product, options);
    quantityBySKU.set(item.sku, (quantityBySKU.get(item.sku) || 0) + quantity);
    subtotal += price * quantity;
    if (!Number.isSafeInteger(subtotal)) throw new PricingError('bad_custom_data', 'the amount is too large');
    priced.push({ sku: item.sku, title: product.title, quantity, options, price });
  });
  // Stock and limits count a SKU across its lines, checked in the order the SKUs first appear.
  for (const [sku, requested] of quantityBySKU) {
    const product = findProduct(catalog, sku);
    if (product.stock !== null && product.stock !== undefined) {
      const available = Math.max(0, product.stock - (alreadySold[sku] || 0));
      if (requested > available) throw new PricingError('sold_out', sku + ': ' + requested + ' requested, ' + available + ' in stock');
    }
    if (product.max_quantity !== null && product.max_quantity !== undefined && requested > product.max_quantity) {
      throw new PricingError('quantity_limit', sku + ': at most ' + product.max_quantity + ' per order');
    }
  }
  const rule = catalog.shipping || { fee: 0, free_over: null };
  const freeOver = rule.free_over;
  const shipping = (freeOver !== null && freeOver !== undefined && subtotal >= freeOver) ? 0 : (rule.fee || 0);
  return { items: priced, subtotal, shipping, total: subtotal + shipping };
}

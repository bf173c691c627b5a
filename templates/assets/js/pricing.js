/*
 * Prices an order from catalog.json: the mirror of GageCore's Pricing (Swift), rule for rule. The verify
 * function reprices every payment in Swift; Tests/GageSiteTests/PricingAgreementTests runs both on the same
 * carts and compares. Pure: no DOM, no storage; Node imports it for the tests.
 */
import { ABSOLUTE_MAX_QUANTITY, findProduct, isPlainObject, offersInterval, productPrice } from './catalog.js';

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

/** 제주특별자치도's postcodes. */
export const JEJU_POSTCODES = [63000, 63644];

/** The 5-digit postcode in `text` (other characters dropped), or null. */
export function postcodeNumber(text) {
  if (typeof text !== 'string') return null;
  const digits = text.replace(/[^0-9]/g, '');
  return digits.length === 5 ? Number(digits) : null;
}

/** 'jeju', 'remote' or 'mainland' for a postcode number, Jeju first. */
export function regionOf(postcode, remoteRanges) {
  if (postcode >= JEJU_POSTCODES[0] && postcode <= JEJU_POSTCODES[1]) return 'jeju';
  if ((remoteRanges || []).some((range) => postcode >= range[0] && postcode <= range[1])) return 'remote';
  return 'mainland';
}

/** Whether the shop charges 제주/도서산간 surcharges (and so needs the postcode). */
export function chargesSurcharges(rule) {
  return (rule.jeju || 0) > 0 || (rule.remote || 0) > 0;
}

/** Why a code is not in effect at `time` ('not_started', 'expired'), or null. */
export function discountWindowProblem(rule, time) {
  if (rule.starts !== undefined && rule.starts !== null && time < rule.starts) return 'not_started';
  if (rule.ends !== undefined && rule.ends !== null && time >= rule.ends) return 'expired';
  return null;
}

function covers(rule, sku) {
  return !Array.isArray(rule.products) || rule.products.indexOf(sku) >= 0;
}

/**
 * What a code in effect gives priced lines: {amount, freeShipping} or {nothing: 'min_subtotal' | 'no_eligible_items'}.
 * Percent of the eligible subtotal rounded down (capped by max_discount), or `amount` (at most the eligible
 * subtotal), or the shipping fee waived.
 */
export function discountOutcome(rule, lines) {
  const eligible = lines.filter((line) => covers(rule, line.sku)).reduce((sum, line) => sum + line.price * line.quantity, 0);
  if (eligible <= 0) return { nothing: 'no_eligible_items' };
  if (rule.min_subtotal != null && eligible < rule.min_subtotal) return { nothing: 'min_subtotal' };
  let amount = 0;
  if (rule.percent != null) {
    const percent = Math.min(Math.max(rule.percent, 0), 100);
    // ⌊eligible × percent ÷ 100⌋ in exact integer steps.
    amount = Math.floor(eligible / 100) * percent + Math.floor((eligible % 100) * percent / 100);
    if (rule.max_discount != null) amount = Math.min(amount, rule.max_discount);
  } else if (rule.amount != null) {
    amount = rule.amount;
  }
  return { amount: Math.min(Math.max(amount, 0), eligible), freeShipping: rule.free_shipping === true };
}

/**
 * Splits `discount` over the eligible lines in proportion to what each costs (largest remainder): each gets
 * ⌊discount × line ÷ eligible⌋, and the won left over go one each to the lines with the largest remainders (the
 * earlier line on a tie). Sets `discount` on every line (0 on the others).
 */
export function splitDiscount(discount, lines, isEligible) {
  lines.forEach((line) => { line.discount = 0; });
  const eligible = lines.filter((line) => isEligible(line.sku) && line.price * line.quantity > 0);
  if (discount <= 0 || eligible.length === 0) return;
  const total = BigInt(eligible.reduce((sum, line) => sum + line.price * line.quantity, 0));
  const remainders = [];
  let given = 0;
  eligible.forEach((line, index) => {
    const product = BigInt(discount) * BigInt(line.price * line.quantity);
    line.discount = Number(product / total);
    given += line.discount;
    remainders.push({ line, index, remainder: product % total });
  });
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : (a.remainder > b.remainder ? -1 : 1)));
  remainders.slice(0, discount - given).forEach((entry) => { entry.line.discount += 1; });
}

/**
 * Prices `items` ([{sku, quantity, options}]) against `catalog` (catalog.json).
 * Returns {items: [{sku, title, quantity, options, price, discount, tax_free}], subtotal, discount,
 * shipping_discount, shipping, surcharge, tax_free, total}
 * or throws a PricingError whose `reason` is one of SPEC §3's and §11's codes.
 * With `interval`, prices one delivery of a subscription: every product must offer that interval, and its
 * subscriber price replaces the product price (options still add theirs; sales do not apply).
 * With `terms` ({time: Unix seconds, discount: the code's published rule or null, postcode}), SPEC §11's rules
 * apply as GageCore's Pricing applies them; without, the catalog's plain prices.
 */
export function priceOrder(catalog, items, alreadySold, interval, terms) {
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
    } else if (terms) {
      product = Object.assign({}, product, { price: productPrice(product, terms.time) });
    }
    const price = unitPrice(product, options);
    quantityBySKU.set(item.sku, (quantityBySKU.get(item.sku) || 0) + quantity);
    subtotal += price * quantity;
    if (!Number.isSafeInteger(subtotal)) throw new PricingError('bad_custom_data', 'the amount is too large');
    priced.push({ sku: item.sku, title: product.title, quantity, options, price, discount: 0,
      tax_free: product.tax_free === true });
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
  return applyRules(priced, subtotal, catalog.shipping || { fee: 0, free_over: null }, terms);
}

/** The rules after the items' prices, in GageCore's order: code, free_over after the code, free shipping, surcharge. */
function applyRules(lines, subtotal, rule, terms) {
  let discount = 0;
  let freeShipping = false;
  if (terms && terms.discount) {
    const problem = discountWindowProblem(terms.discount, terms.time);
    if (problem) throw new PricingError('discount_invalid', 'the discount code is ' + problem.replace('_', ' '));
    const outcome = discountOutcome(terms.discount, lines);
    if (!outcome.nothing) {
      discount = outcome.amount;
      freeShipping = outcome.freeShipping;
      splitDiscount(discount, lines, (sku) => covers(terms.discount, sku));
    }
  }
  const afterDiscount = subtotal - discount;
  const freeOver = rule.free_over;
  const fee = (freeOver !== null && freeOver !== undefined && afterDiscount >= freeOver) ? 0 : (rule.fee || 0);
  const shipping = freeShipping ? 0 : fee;
  let surcharge = 0;
  if (terms && chargesSurcharges(rule)) {
    const postcode = postcodeNumber(terms.postcode);
    if (postcode === null) throw new PricingError('address_required', 'the delivery postcode is needed');
    const region = regionOf(postcode, rule.remote_postcodes);
    surcharge = region === 'jeju' ? (rule.jeju || 0) : (region === 'remote' ? (rule.remote || 0) : 0);
  }
  const taxFree = lines.filter((line) => line.tax_free).reduce((sum, line) => sum + line.price * line.quantity - line.discount, 0);
  return {
    items: lines, subtotal, discount, shipping_discount: freeShipping ? fee : 0, shipping, surcharge,
    tax_free: taxFree, total: afterDiscount + shipping + surcharge,
  };
}

/*
 * What SPEC §11's rules need from the cart page: the moment (the buyer's clock), the discount code typed and the
 * rule it matched, and the postcode once the buyer gave it (typed, or from the address search). The cart shows
 * the order with them, and the checkout sends the same to /prepare and in the custom data.
 */
import { findDiscount, normaliseCode } from './discount-code.js';
import { chargesSurcharges, discountOutcome, discountWindowProblem, postcodeNumber, priceOrder } from './pricing.js';

const state = { typed: '', rule: null, problem: null };

/** Unix seconds by the buyer's clock. */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** Looks the typed code up (hash) and remembers it; resolves to {rule, problem} (problem: 'unknown', …). */
export function applyCode(catalog, typed) {
  state.typed = typed;
  if (normaliseCode(typed) === '') {
    state.rule = null;
    state.problem = null;
    return Promise.resolve(state);
  }
  return findDiscount(catalog, typed).then((rule) => {
    if (state.typed !== typed) return state;  // a newer code was typed meanwhile
    state.rule = rule;
    state.problem = rule ? discountWindowProblem(rule, nowSeconds()) : 'unknown';
    return state;
  });
}

/** The code the checkout sends (as typed), when it takes something off this order; else undefined. */
export function codeToSend(order) {
  return state.rule && !state.problem && order && (order.discount > 0 || order.shipping_discount > 0) ? state.typed : undefined;
}

/** Why the remembered code gives these lines nothing ('not_started', 'min_subtotal', …), or null. */
export function codeProblem(lines) {
  if (!state.rule) return state.problem;
  const windowProblem = discountWindowProblem(state.rule, nowSeconds());
  if (windowProblem) return windowProblem;
  const outcome = discountOutcome(state.rule, lines);
  return outcome.nothing || null;
}

export function rememberedRule() {
  return state.rule;
}

/**
 * Prices the lines with the rules as the cart knows them now: the code only while it is in effect (so an
 * expired code shows why instead of failing the cart), the postcode when it is a 5-digit one. Without a postcode
 * a shop with surcharges is priced without them, and `surcharge_pending` says one may follow. With `interval`,
 * one delivery of a subscription (SPEC §5: the subscriber price, plus the regional surcharge).
 */
export function priceWithTerms(catalog, lines, postcode, interval) {
  const time = nowSeconds();
  // A subscription's delivery has its own price: no sale and no code apply to it, only the regional surcharge.
  const rule = !interval && state.rule && !discountWindowProblem(state.rule, time) ? state.rule : null;
  const known = postcodeNumber(postcode) !== null;
  const shipping = catalog.shipping || { fee: 0, free_over: null };
  const pending = chargesSurcharges(shipping) && !known;
  const priced = pending ? Object.assign({}, catalog, { shipping: Object.assign({}, shipping, { jeju: null, remote: null }) }) : catalog;
  const order = priceOrder(priced, lines, {}, interval || undefined, { time, discount: rule, postcode: known ? postcode : null });
  order.surcharge_pending = pending;
  order.priced_at = time;
  return order;
}

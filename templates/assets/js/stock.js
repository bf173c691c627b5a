/*
 * What the shop has left now (SPEC §9): the page is built before the sales, so the cart asks the verify function
 * (`/stock`) and the checkout is checked and held by `/prepare` before any payment window opens. Pure: the words
 * a refusal or a short line is shown with.
 */
import { fillTemplate } from './format.js';

/** The sentence for a refusal from /prepare (`{reason, sku, title, available, limit}`): names the product and
 * what is left, so the buyer knows what to change; a discount code's refusal says why (used up, expired, …). Any
 * other refusal is its reason's usual text. */
export function refusalText(refusal, text) {
  const title = refusal.title || refusal.sku || '';
  if (refusal.reason === 'sold_out' && Number.isInteger(refusal.available)) {
    return refusal.available > 0
      ? fillTemplate(text.refused_only_left, { title, available: refusal.available })
      : fillTemplate(text.refused_sold_out, { title });
  }
  if (refusal.reason === 'quantity_limit' && Number.isInteger(refusal.limit)) {
    return fillTemplate(text.refused_limit, { title, limit: refusal.limit });
  }
  if (refusal.reason === 'discount_invalid' && text.refused_discount) {
    const why = text['discount_' + refusal.discount_problem] || text.reason_discount_invalid;
    return fillTemplate(text.refused_discount, { why });
  }
  return text['reason_' + refusal.reason] || text.status_error;
}

/** What a cart line is told about its stock now: nothing (enough left, or not tracked), or what is left. */
export function stockNote(quantity, available, text) {
  if (!Number.isInteger(available) || available >= quantity) return '';
  return available > 0 ? fillTemplate(text.stock_left, { available }) : text.stock_sold_out;
}

/*
 * The checkout form on the cart page: checks the buyer's details, prices the lines being checked out, makes
 * or pre-registers the order (SPEC §2), and pays through the shop's provider — or starts a 정기배송
 * (subscribe.js), or verifies the buyer's age first (identity.js).
 */
import { setUpAddressSearch } from './address-search.js';
import { validateBuyer } from './buyer-form.js';
import { linesOf } from './cart-lines.js';
import { currentMode, loadCart } from './cart.js';
import { certifyThenPay, needsAdult } from './identity.js';
import { rememberOrderEmail } from './order-page.js';
import { newMerchantUID, orderName } from './orders.js';
import { config, postJSON, text } from './page.js';
import { ProviderUnavailable } from './payment.js';
import { codeToSend, priceWithTerms } from './cart-terms.js';
import { showResult, verifyAndShow } from './result-view.js';
import { refusalText } from './stock.js';
import { startSubscription } from './subscribe.js';

/** The buyer as the form has them: {name, tel, email, addr (주소 and 상세주소), postcode}. */
export function buyerFrom(form) {
  const detail = form.elements.buyer_addr_detail ? form.elements.buyer_addr_detail.value.trim() : '';
  const address = form.elements.buyer_addr.value.trim();
  return {
    name: form.elements.buyer_name.value.trim(), tel: form.elements.buyer_tel.value.trim(),
    email: form.elements.buyer_email.value.trim(), addr: detail ? address + ' ' + detail : address,
    postcode: form.elements.buyer_postcode.value.trim()
  };
}

/** The function refused the order before any window opened (SPEC §9): `refusal` says why and what is left. */
class OrderRefused extends Error {
  constructor(refusal) {
    super(refusal.error || refusal.reason);
    this.refusal = refusal;
  }
}

/** `onRefused(refusal)`: the cart shows what is left now (cart-page.js). */
export function setUpCheckoutForm(cart, catalog, provider, onRefused = () => {}) {
  const form = cart.querySelector('[data-checkout-form]');
  const status = cart.querySelector('[data-checkout-status]');
  setUpAddressSearch(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.textContent = '';
    status.classList.remove('is-error');
    if (!validateBuyer(form)) { status.textContent = text.error_form; status.classList.add('is-error'); return; }
    const all = loadCart();
    const mode = currentMode(all);
    const items = linesOf(all, mode);
    const interval = mode === 'subscription' && items.length ? items[0].interval : undefined;
    let order;
    try {
      order = priceWithTerms(catalog, items, buyerFrom(form).postcode, interval);
    } catch (error) {
      status.textContent = text['reason_' + error.reason] || text.error_form;
      status.classList.add('is-error');
      return;
    }
    // 결제하기 and the easy-pay buttons alike: one window at a time.
    const payButtons = form.querySelectorAll('[data-pay], [data-easy-pay]');
    payButtons.forEach((button) => { button.disabled = true; });
    status.textContent = text.paying;
    const done = () => { payButtons.forEach((button) => { button.disabled = false; }); };
    const checkoutItems = items.map((item) => ({ sku: item.sku, quantity: item.quantity, options: item.options }));
    if (interval) {
      startSubscription(cart, provider, { items: checkoutItems, order, interval, buyer: buyerFrom(form) }, done);
      return;
    }
    // SPEC §11: the code as typed (when it takes something off), the moment the page priced with, the postcode.
    const terms = { discount: codeToSend(order), priced_at: order.priced_at, postcode: buyerFrom(form).postcode };
    // Sent by an easy-pay button (카카오페이 …) rather than 결제하기: that brand's own window.
    const easyPay = event.submitter ? event.submitter.getAttribute('data-easy-pay') : null;
    prepareOrder(checkoutItems, order, terms).then((prepared) => {
      const checkout = { form, cart, items: checkoutItems, prepared, catalog, provider, easyPay };
      if (needsAdult(catalog, checkoutItems)) certifyThenPay(checkout, done, payOrder);
      else payOrder(checkout, done);
    }).catch((error) => {
      done();
      if (error instanceof OrderRefused) {
        status.textContent = refusalText(error.refusal, text);
        onRefused(error.refusal);
        if (status.scrollIntoView) status.scrollIntoView({ block: 'nearest' });
      } else {
        status.textContent = text.status_error;
      }
    });
  });
}

/**
 * The order to pay: checked, held and pre-registered with the provider by the verify function (SPEC §9), or —
 * with `checkout.prepare: false` — made here. A refusal (sold out, over a limit, a code used up) rejects with
 * OrderRefused: no payment window opens. Carries what the provider's request and the custom data need of the
 * pricing rules: the tax-free part, the code, the moment.
 */
function prepareOrder(items, order, terms) {
  const name = orderName(order.items, text);
  const rules = { discount: terms.discount, priced_at: terms.priced_at };
  if (!config.prepare) {
    return Promise.resolve(Object.assign({ merchant_uid: newMerchantUID(config.order_prefix), amount: order.total, name,
      tax_free: order.tax_free || 0 }, rules));
  }
  const body = { items, priced_at: terms.priced_at, postcode: terms.postcode };
  if (terms.discount) body.discount = terms.discount;
  return postJSON('prepare', body, false).then((response) => response.json().then((reply) => {
    if (response.status === 409 && reply.reason) throw new OrderRefused(reply);
    if (!response.ok || !reply.merchant_uid) throw new Error(reply.error || 'prepare failed');
    return Object.assign({ merchant_uid: reply.merchant_uid, amount: reply.amount, name: reply.name || name,
      tax_free: reply.tax_free || 0 }, rules);
  }));
}

/** Opens the provider's window for the prepared order, then shows what the function says about the payment. */
export function payOrder({ form, cart, items, prepared, catalog, provider, easyPay }, done, certification) {
  const status = cart.querySelector('[data-checkout-status]');
  const result = cart.querySelector('[data-result]');
  const method = form.querySelector('input[name="pay_method"]:checked');
  rememberOrderEmail(prepared.merchant_uid, buyerFrom(form).email);
  provider.pay({ prepared, items, catalog, buyer: buyerFrom(form), payMethod: method ? method.value : null, certification,
    easyPay: easyPay || null })
    .then((outcome) => {
      done();
      status.textContent = '';
      if (outcome.closed) showResult(result, { ok: false, status: 'window_closed' }, outcome.message);
      else verifyAndShow(result, outcome.payment, 'POST', outcome.message);
    }, (error) => {
      done();
      if (error instanceof ProviderUnavailable) { status.textContent = text.status_error; return; }
      status.textContent = '';
      showResult(result, { ok: false, status: 'window_closed' });
    });
}

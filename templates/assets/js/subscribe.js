/*
 * 정기배송 (SPEC §5): the provider issues a billing key in its window, then the function charges the first
 * delivery and schedules the next ones. A phone may leave for the PG's window and come back to the cart
 * (m_redirect_url): the subscription being started waits in this tab's session storage meanwhile.
 */
import { isSubscriptionLine } from './cart-lines.js';
import { loadCart, saveCart } from './cart.js';
import { newCustomerUID, newMerchantUID, orderName } from './orders.js';
import { config, postJSON, storageScope, takeSessionValue, text } from './page.js';
import { showResult } from './result-view.js';

const subscribingKey = 'gage-subscribing:' + storageScope;

/** Starts a subscription of `items` delivered every `interval`, priced as `order`, for `buyer`. */
export function startSubscription(cart, provider, { items, order, interval, buyer }, done) {
  const status = cart.querySelector('[data-checkout-status]');
  if (!provider.issueBillingKey) { status.textContent = text.status_error; done(); return; }
  const pending = {
    customer_uid: newCustomerUID(config.order_prefix), merchant_uid: newMerchantUID(config.order_prefix),
    items, interval, buyer, amount: order.total
  };
  try { window.sessionStorage.setItem(subscribingKey, JSON.stringify(pending)); } catch (error) { /* the callback flow still works */ }
  provider.issueBillingKey({ customerUID: pending.customer_uid, merchantUID: pending.merchant_uid,
    name: text.subscribe + ' · ' + orderName(order.items, text), amount: order.total, buyer })
    .then(({ issued, message, key }) => {
      takeSessionValue(subscribingKey);
      finishSubscription(cart, pending, { issued, message, key }, done);
    }, () => {
      takeSessionValue(subscribingKey);
      status.textContent = text.status_error;
      done();
    });
}

/** The key is issued (or not): ask the function to start the subscription and show what it answers. */
function finishSubscription(cart, pending, { issued, message, key }, done) {
  const result = cart.querySelector('[data-result]');
  const status = cart.querySelector('[data-checkout-status]');
  status.textContent = '';
  if (!issued) {
    showResult(result, { ok: false, status: 'card_not_registered' }, message);
    done();
    return;
  }
  showResult(result, { ok: true, status: 'subscribing' });
  // The key as the provider names it: V1's customer_uid (made here), V2's billing_key (made by PortOne).
  // The amount shown goes along: the function starts nothing at another (SPEC §5, every delivery costs it).
  postJSON('subscribe', { ...(key || { customer_uid: pending.customer_uid }), items: pending.items,
    interval: pending.interval, buyer: pending.buyer, amount: pending.amount })
    .then((response) => response.json().catch(() => ({ ok: false, error: 'HTTP ' + response.status })))
    .then((answer) => {
      done();
      if (answer.status === 'subscribed') {
        saveCart(loadCart().filter((item) => !isSubscriptionLine(item)));
        cart.querySelector('[data-cart-body]').hidden = true;
      }
      // No retry button: the key can start one subscription only, and a lost answer may have started it.
      const shown = answer.status === 'subscribed' || answer.status === 'failed' || answer.status === 'rejected' ? answer
        : answer.reason === 'amount_changed' ? { ok: false, status: 'amount_changed', expected_amount: answer.expected_amount }
          : { ok: false, status: 'error' };
      showResult(result, shown, answer.decline_message);
      if (result.scrollIntoView) result.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }).catch(() => {
      done();
      showResult(result, { ok: false, status: 'network_error' });
    });
}

/** Back on the cart from the provider's billing window on a phone; returns whether this page load was that. */
export function resumeSubscription(cart, provider) {
  const returned = provider.billingKeyReturned && provider.billingKeyReturned(new URLSearchParams(window.location.search));
  if (!returned) return false;
  const pending = takeSessionValue(subscribingKey);
  if (!pending || pending.merchant_uid !== returned.merchantUID) return false;
  window.history.replaceState(null, '', window.location.pathname);
  const payButton = cart.querySelector('[data-pay]');
  payButton.disabled = true;
  finishSubscription(cart, pending, returned, () => { payButton.disabled = false; });
  return true;
}

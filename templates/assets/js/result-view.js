/*
 * Verification and the result: the page sends the payment reference to the verify function and shows what
 * it answers (SPEC §2 step 3). The page never decides that an order is paid.
 */
import { isSubscriptionLine } from './cart-lines.js';
import { loadCart, saveCart } from './cart.js';
import { isPlainObject } from './catalog.js';
import { appendItems, detailList } from './details.js';
import { appendOrderNext, showResultHeading } from './order-page.js';
import { actionURL, config, date, dateTime, element, interval, money, text } from './page.js';

/** Asks the function about `payment` ({imp_uid, merchant_uid} or {payment_id}); resolves with its answer. */
export function verify(payment, method) {
  const request = method === 'GET'
    ? fetch(actionURL('', payment), { method: 'GET', headers: { Accept: 'application/json' } })
    : fetch(actionURL(''), {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payment)
    });
  return request.then((response) => response.json().then((answer) => {
    // 404 with the function's JSON: the provider knows no such payment (SPEC §3).
    if (response.status === 404 && answer && answer.ok === false) answer.unknownPayment = true;
    return answer;
  }, () => ({ ok: false, error: 'HTTP ' + response.status })));
}

/** Verifies `payment` and shows the answer in `result`, with a retry button when the answer did not come. */
export function verifyAndShow(result, payment, method, pgMessage) {
  const again = () => verifyAndShow(result, payment, method, pgMessage);
  showResult(result, { ok: true, status: 'checking' });
  verify(payment, method).then((answer) => {
    // The window said it ended without paying and the provider knows no such payment: nothing was paid.
    // (Without the window's word a missing payment stays "could not confirm", to be looked at again.)
    if (answer.unknownPayment && pgMessage) answer = { ok: false, status: 'window_closed' };
    const paid = answer.status === 'paid' || answer.status === 'awaiting_deposit';
    // The one-off lines were paid; the cart's subscription lines (checked out apart) stay.
    if (paid) saveCart(loadCart().filter(isSubscriptionLine));
    showResult(result, answer, pgMessage, again);
    if (result.scrollIntoView) result.scrollIntoView({ block: 'start', behavior: 'smooth' });
    const form = document.querySelector('[data-cart-body]');
    if (form && paid) form.hidden = true;
  }).catch(() => {
    showResult(result, { ok: false, status: 'network_error' }, null, again);
  });
}

/** Shows a function's answer (or a page-made one: checking, window_closed, network_error, …) in `result`. */
export function showResult(result, answer, pgMessage, retry) {
  result.hidden = false;
  result.textContent = '';
  const status = answer.status || (answer.ok === false ? 'error' : 'unknown');
  result.className = 'result result-' + status;
  showResultHeading(status);
  const messages = {
    checking: text.checking, paid: text.status_paid, awaiting_deposit: text.status_awaiting_deposit,
    unpaid: text.status_unpaid, failed: text.status_failed, cancelled: text.status_cancelled,
    rejected: text.status_rejected, ignored: text.status_ignored, window_closed: text.window_closed,
    subscribing: text.subscribing, subscribed: text.status_subscribed, card_not_registered: text.card_not_registered,
    amount_changed: String(text.subscription_amount_changed || '').replace('{amount}', money(answer.expected_amount || 0))
  };
  const subscription = isPlainObject(answer.subscription) ? answer.subscription : null;
  // A subscription that did not start says so first, whatever its first charge's own state.
  if ((subscription && status !== 'subscribed') || (!subscription && answer.reason === 'card_declined')) {
    messages[status] = text.subscription_not_started;
  }
  result.appendChild(element('p', { class: 'result-message', role: 'status', text: messages[status] || text.status_error }));
  if (status === 'rejected' || answer.reason === 'card_declined') {
    if (answer.reason && text['reason_' + answer.reason]) result.appendChild(element('p', { text: text['reason_' + answer.reason] }));
    if (answer.refunded) result.appendChild(element('p', { class: 'result-refunded', text: text.status_refunded }));
  }
  if ((status === 'failed' || status === 'window_closed' || status === 'unpaid') && pgMessage) {
    result.appendChild(element('p', { class: 'result-pg-message', text: pgMessage }));
  }
  const rows = [];
  if (answer.merchant_uid) rows.push([text.order_number, answer.merchant_uid]);
  if ((status === 'paid' || status === 'awaiting_deposit' || status === 'subscribed') && typeof answer.amount === 'number') {
    rows.push([text.amount_paid, money(answer.amount)]);
  }
  if (status === 'subscribed' && subscription) {
    rows.push([text.subscription_interval, interval(subscription.interval)]);
    rows.push([text.subscription_amount, money(subscription.amount)]);
    if (subscription.next_charge_at) rows.push([text.next_charge, date(subscription.next_charge_at)]);
  }
  if (status === 'awaiting_deposit' && answer.vbank) {
    rows.push([text.vbank_bank, answer.vbank.bank]);
    rows.push([text.vbank_number, answer.vbank.number]);
    if (answer.vbank.holder) rows.push([text.vbank_holder, answer.vbank.holder]);
    if (answer.vbank.due) rows.push([text.vbank_due, dateTime(answer.vbank.due)]);
  }
  if (rows.length) result.appendChild(detailList(rows));
  if (status === 'subscribed' && answer.manage_token) {
    // The token travels in the fragment, which browsers never send to a server.
    result.appendChild(element('p', {}, [element('a', { class: 'button primary', 'data-manage-link': '',
      href: config.subscription_url + '#' + answer.manage_token, text: text.manage_link })]));
    result.appendChild(element('p', { class: 'hint', text: text.manage_link_note }));
  }
  if (status === 'paid' || status === 'awaiting_deposit' || status === 'subscribed') appendItems(result, answer.items);
  if (status !== 'checking') appendOrderNext(result, answer);
  if (retry && (status === 'error' || status === 'network_error' || answer.ok === false)) {
    const button = element('button', { type: 'button', class: 'button', text: text.retry });
    button.addEventListener('click', retry);
    result.appendChild(button);
  }
}

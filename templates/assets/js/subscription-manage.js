/*
 * 정기배송 관리: the buyer's subscription by the token in the URL fragment (the function's /subscription),
 * with its charges, and cancelling it.
 */
import { appendItems, detailList } from './details.js';
import { date, element, interval, money, postJSON, text } from './page.js';

/** The function's view of the subscription, or after cancelling it; rejects with 'not_found' or 'error'. */
function manageSubscription(token, cancel) {
  const body = cancel ? { manage_token: token, cancel: true } : { manage_token: token };
  return postJSON('subscription', body).then((response) =>
    response.json().catch(() => ({})).then((answer) => {
      if (response.ok && answer.subscription) return answer.subscription;
      throw new Error(response.status === 404 ? 'not_found' : 'error');
    }));
}

function showManageError(panel, error) {
  panel.className = 'result subscription-manage result-error';
  panel.textContent = '';
  const message = error === 'no_token' ? text.manage_no_token
    : error && error.message === 'not_found' ? text.manage_not_found : text.status_error;
  panel.appendChild(element('p', { class: 'result-message', role: 'alert', text: message }));
}

function showSubscription(panel, token, subscription, message) {
  panel.className = 'result subscription-manage result-' + subscription.status;
  panel.textContent = '';
  if (message) panel.appendChild(element('p', { class: 'result-message', role: 'status', text: message }));
  const rows = [[text.subscription_state, text['sub_state_' + subscription.status] || subscription.status],
    [text.subscription_interval, interval(subscription.interval)],
    [text.subscription_amount, money(subscription.amount)]];
  if (subscription.next_charge_at) rows.push([text.next_charge, date(subscription.next_charge_at)]);
  rows.push([text.subscription_since, date(subscription.created_at)]);
  panel.appendChild(detailList(rows, { 'data-subscription-details': '' }));
  appendItems(panel, subscription.items);
  if (Array.isArray(subscription.charges) && subscription.charges.length) {
    panel.appendChild(element('h2', { text: text.subscription_charges }));
    panel.appendChild(element('ul', { class: 'result-items subscription-charges' }, subscription.charges.map((charge) =>
      element('li', { text: date(charge.at) + ' · ' + charge.number + ' · ' + money(charge.amount) + ' · ' +
        (text['state_' + charge.status] || charge.status) }))));
  }
  if (subscription.status !== 'active' && subscription.status !== 'pending') return;
  const cancel = element('button', { type: 'button', class: 'button', 'data-cancel-subscription': '', text: text.cancel_subscription });
  const area = element('div', { class: 'subscription-cancel' }, [cancel]);
  panel.appendChild(area);
  cancel.addEventListener('click', () => {
    // Ask once more: cancelling cannot be undone (the billing key is deleted).
    const yes = element('button', { type: 'button', class: 'button primary', 'data-confirm-cancel': '', text: text.cancel_yes });
    const no = element('button', { type: 'button', class: 'button', text: text.cancel_no });
    area.textContent = '';
    area.appendChild(element('p', { role: 'alert', text: text.cancel_confirm }));
    area.appendChild(element('p', { class: 'buy-actions' }, [yes, no]));
    yes.focus();
    no.addEventListener('click', () => showSubscription(panel, token, subscription));
    yes.addEventListener('click', () => {
      yes.disabled = no.disabled = true;
      manageSubscription(token, true).then((ended) => {
        showSubscription(panel, token, ended, ended.status === 'cancelled' ? text.subscription_cancelled : null);
      }).catch((error) => showManageError(panel, error));
    });
  });
}

export function setUpSubscriptionPage() {
  const panel = document.querySelector('[data-subscription-manage]');
  if (!panel) return;
  function show() {
    const token = window.location.hash.replace(/^#/, '');
    if (!/^[A-Za-z0-9]{64}$/.test(token)) { showManageError(panel, 'no_token'); return; }
    panel.className = 'result subscription-manage';
    panel.textContent = text.manage_checking;
    manageSubscription(token, false).then((subscription) => showSubscription(panel, token, subscription))
      .catch((error) => showManageError(panel, error));
  }
  // A link pasted into this tab changes only the fragment: no new page load.
  window.addEventListener('hashchange', show);
  show();
}

/* 비회원 주문조회: an order by its number and the phone it was placed with (the function's /order). */
import { appendItems, detailList } from './details.js';
import { normalizeOrderNumber } from './orders.js';
import { config, dateTime, element, money, postJSON, text } from './page.js';

function lookupState(order) {
  if (order.status === 'paid' && order.shipment) return text.state_shipped;
  if (order.status === 'rejected' && order.refunded) return text.state_refunded;
  return text['state_' + order.status] || order.status;
}

/** What the buyer is told after 주문 취소 or 반품 요청 (the /order answer's `action`). */
function actionMessage(action) {
  if (action.kind === 'return') return text.order_return_requested;
  if (action.result === 'refunded') return String(text.order_cancel_refunded).replace('{amount}', money(action.amount || 0));
  return text['order_cancel_' + action.result] || text.order_cancel_requested;
}

/** 주문 취소 (before shipping) or 반품 요청 (after), asked once more, with an optional reason; the same proof
 * (order number and phone) goes with it. */
function appendOrderActions(result, order, proof) {
  if (order.open_request) {
    result.appendChild(element('p', { class: 'result-message', 'data-open-request': order.open_request,
      text: text['order_request_open_' + order.open_request] }));
  }
  const kind = order.can_cancel ? 'cancel' : order.can_return ? 'return' : null;
  if (!kind || !proof) return;
  const start = element('button', { type: 'button', class: 'button', ['data-order-' + kind]: '',
    text: kind === 'cancel' ? text.order_cancel : text.order_return });
  const area = element('div', { class: 'order-actions' }, [start]);
  result.appendChild(area);
  start.addEventListener('click', () => {
    const reasonID = 'order-' + kind + '-reason';
    const reason = element('input', { id: reasonID, name: 'reason', maxlength: '200', autocomplete: 'off' });
    const yes = element('button', { type: 'button', class: 'button primary', 'data-confirm-order-action': kind,
      text: text.order_confirm_yes });
    const no = element('button', { type: 'button', class: 'button', text: text.order_confirm_no });
    area.textContent = '';
    area.appendChild(element('p', { role: 'alert',
      text: kind === 'cancel' ? text.order_cancel_confirm : text.order_return_confirm }));
    area.appendChild(element('p', { class: 'field' }, [element('label', { for: reasonID, text: text.order_reason }), reason]));
    area.appendChild(element('p', { class: 'buy-actions' }, [yes, no]));
    yes.focus();
    no.addEventListener('click', () => showLookup(result, order, proof));
    yes.addEventListener('click', () => {
      yes.disabled = no.disabled = true;
      const body = { order: proof.order, phone: proof.phone, [kind]: true };
      if (reason.value.trim()) body.reason = reason.value.trim();
      postJSON('order', body).then((response) =>
        response.json().catch(() => ({})).then((answer) => {
          if (response.ok && answer.order) {
            showLookup(result, answer.order, proof, answer.action ? actionMessage(answer.action) : null);
            return;
          }
          const message = response.status === 429 ? text.lookup_too_many
            : response.status === 409 ? text.order_action_refused : text.status_error;
          area.textContent = '';
          area.appendChild(element('p', { class: 'result-message', role: 'alert', text: message }));
        })
      ).catch(() => {
        area.textContent = '';
        area.appendChild(element('p', { class: 'result-message', role: 'alert', text: text.status_error }));
      });
    });
  });
}

/** Shows the function's `order` (its /order answer) in `result`; with `proof` (the number and phone that found
 * it) the buyer may cancel or ask for a return, and `notice` says what was just done. */
export function showLookup(result, order, proof, notice) {
  result.textContent = '';
  result.className = 'result lookup-result result-' + order.status;
  if (notice) result.appendChild(element('p', { class: 'result-message', role: 'status', 'data-order-notice': '', text: notice }));
  const rows = [[text.lookup_order_number, order.number], [text.lookup_status, lookupState(order)],
    [text.lookup_ordered_at, dateTime(order.ordered_at)],
    [text.amount_paid, money(order.amount)]];
  if (order.surcharge) rows.push([text.surcharge, money(order.surcharge)]);
  if (order.discount) rows.push([text.discount + (order.discount_code ? ' (' + order.discount_code + ')' : ''), '-' + money(order.discount)]);
  if (order.cancelled_amount) rows.push([text.lookup_cancelled, money(order.cancelled_amount)]);
  if (order.vbank) {
    rows.push([text.vbank_bank, order.vbank.bank], [text.vbank_number, order.vbank.number]);
    if (order.vbank.holder) rows.push([text.vbank_holder, order.vbank.holder]);
    if (order.vbank.due) rows.push([text.vbank_due, dateTime(order.vbank.due)]);
  }
  if (order.shipment) {
    if (order.shipment.carrier_name) rows.push([text.lookup_carrier, order.shipment.carrier_name]);
    if (order.shipment.tracking) rows.push([text.lookup_tracking, order.shipment.tracking]);
  }
  result.appendChild(detailList(rows));
  if (order.shipment && /^https:\/\//.test(order.shipment.tracking_url || '')) {
    result.appendChild(element('p', {}, [element('a', { class: 'button', href: order.shipment.tracking_url,
      target: '_blank', rel: 'noopener', text: text.lookup_track, 'data-tracking-link': '' })]));
  }
  appendItems(result, order.items);
  appendOrderActions(result, order, proof);
}

export function setUpOrderLookup() {
  const form = document.querySelector('[data-order-lookup]');
  const result = document.querySelector('[data-lookup-result]');
  if (!form || !result) return;
  const number = new URLSearchParams(window.location.search).get('order');
  if (number) form.elements.order.value = number;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const order = normalizeOrderNumber(form.elements.order.value, config.order_prefix);
    const phone = form.elements.phone.value.trim();
    if (!order) { form.elements.order.focus(); return; }
    if (!phone) { form.elements.phone.focus(); return; }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    result.hidden = false;
    result.className = 'result lookup-result';
    result.textContent = text.lookup_checking;
    postJSON('order', { order, phone }).then((response) =>
      response.json().catch(() => ({})).then((answer) => {
        if (response.ok && answer.order) { showLookup(result, answer.order, { order, phone }); return; }
        result.className = 'result lookup-result result-error';
        const message = response.status === 429 ? text.lookup_too_many
          : response.status === 404 ? text.lookup_not_found : text.status_error;
        result.textContent = '';
        result.appendChild(element('p', { class: 'result-message', role: 'alert', text: message }));
      })
    ).catch(() => {
      result.className = 'result lookup-result result-error';
      result.textContent = text.status_error;
    }).then(() => { button.disabled = false; });
  });
}

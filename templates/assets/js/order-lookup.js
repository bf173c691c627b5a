/* 비회원 주문조회: an order by its number and the phone it was placed with (the function's /order). */
import { appendItems, detailList } from './details.js';
import { dateTime, element, money, postJSON, text } from './page.js';

function lookupState(order) {
  if (order.status === 'paid' && order.shipment) return text.state_shipped;
  if (order.status === 'rejected' && order.refunded) return text.state_refunded;
  return text['state_' + order.status] || order.status;
}

/** Shows the function's `order` (its /order answer) in `result`. */
export function showLookup(result, order) {
  result.textContent = '';
  result.className = 'result lookup-result result-' + order.status;
  const rows = [[text.lookup_order_number, order.number], [text.lookup_status, lookupState(order)],
    [text.lookup_ordered_at, dateTime(order.ordered_at)],
    [text.amount_paid, money(order.amount)]];
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
}

export function setUpOrderLookup() {
  const form = document.querySelector('[data-order-lookup]');
  const result = document.querySelector('[data-lookup-result]');
  if (!form || !result) return;
  const number = new URLSearchParams(window.location.search).get('order');
  if (number) form.elements.order.value = number;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const order = form.elements.order.value.trim();
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
        if (response.ok && answer.order) { showLookup(result, answer.order); return; }
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

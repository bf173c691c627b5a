/* Building blocks of the result, order lookup and subscription views: label/value rows and an order's items. */
import { element, text } from './page.js';

/** A `<dl class="result-details">` of [label, value] rows. */
export function detailList(rows, attributes) {
  const details = element('dl', Object.assign({ class: 'result-details' }, attributes || {}));
  rows.forEach(([label, value]) => {
    details.appendChild(element('dt', { text: label }));
    details.appendChild(element('dd', { text: String(value) }));
  });
  return details;
}

/** The 주문 상품 heading and list (title, chosen options, quantity) of an order or subscription, if it has items. */
export function appendItems(parent, items) {
  if (!Array.isArray(items) || !items.length) return;
  parent.appendChild(element('h2', { text: text.items }));
  parent.appendChild(element('ul', { class: 'result-items' }, items.map((item) => {
    const options = Object.keys(item.options || {}).map((k) => item.options[k]).join(', ');
    return element('li', { text: (item.title || item.sku) + (options ? ' (' + options + ')' : '') + ' × ' + item.quantity });
  })));
}

/*
 * A quantity over the per-order limit is lowered to it, and the buyer is told why (최대 N개) beside the field,
 * rather than finding a different number there. No page state: Node imports it for the tests.
 */

/** `wanted` (a typed value) as a quantity from 1 to `limit`, and whether the limit lowered it. */
export function clampQuantity(wanted, limit) {
  let quantity = typeof wanted === 'number' ? Math.floor(wanted) : parseInt(wanted, 10);
  if (!Number.isInteger(quantity) || quantity < 1) quantity = 1;
  if (quantity > limit) return { quantity: limit, clamped: true };
  return { quantity, clamped: false };
}

/** "1회 최대 10개까지 …": `template` with {n} filled. */
export function clampMessage(template, limit) {
  return String(template || '{n}').split('{n}').join(String(limit));
}

/** Shows `message` under the quantity `field` (in its `.field` or cart line), or clears it when `message` is empty. */
export function sayQuantityNote(field, message) {
  const container = field.closest('.field, .cart-line') || field.parentNode;
  let note = container.querySelector('[data-quantity-note]');
  if (!note) {
    note = field.ownerDocument.createElement('p');
    note.className = 'field-error quantity-note';
    note.id = field.id + '-note';
    note.setAttribute('data-quantity-note', '');
    note.setAttribute('role', 'status');
    container.appendChild(note);
    field.setAttribute('aria-describedby', note.id);
  }
  note.textContent = message || '';
}

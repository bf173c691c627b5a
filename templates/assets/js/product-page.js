/* The product page: options, quantity, once or 정기배송, add to cart / buy now. */
import { alignIntervals, sameLine } from './cart-lines.js';
import { loadCart, rememberMode, saveCart } from './cart.js';
import { config, element, interval, readJSON, text } from './page.js';
import { clampMessage, clampQuantity, sayQuantityNote } from './quantity-limit.js';

export function setUpProductPage() {
  const form = document.querySelector('[data-buy-form]');
  const product = readJSON('gage-product');
  // Only a product on sale needs the sale clock: its module is fetched for those pages alone.
  if (product && product.sale) {
    import('./sale-price.js').then(({ showSalePrice }) => showSalePrice(document.querySelector('[data-price]'), product));
  }
  if (!form || !product) return;
  const status = form.querySelector('[data-buy-status]');
  const intervalField = form.querySelector('[data-interval-field]');
  const intervalSelect = form.querySelector('[data-interval]');
  const buyButton = form.querySelector('button[value="buy"]');
  const cartButton = form.querySelector('button[value="cart"]');
  const buyLabels = { buy: buyButton && buyButton.textContent, cart: cartButton && cartButton.textContent };
  function subscribing() {
    const chosen = form.querySelector('input[name="purchase"]:checked');
    return Boolean(chosen && chosen.value === 'subscribe' && intervalSelect);
  }
  function showPurchaseType() {
    const on = subscribing();
    if (intervalField) intervalField.hidden = !on;
    if (buyButton) buyButton.textContent = on ? text.subscription_pay : buyLabels.buy;
    if (cartButton) cartButton.textContent = on ? text.add_subscription : buyLabels.cart;
  }
  // A quantity over the limit is lowered to it, saying why (최대 N개).
  const quantityField = form.querySelector('#quantity');
  const limit = parseInt(quantityField.getAttribute('max'), 10);
  function settleQuantity() {
    const wanted = clampQuantity(quantityField.value, limit);
    if (wanted.clamped) quantityField.value = String(wanted.quantity);
    sayQuantityNote(quantityField, wanted.clamped ? clampMessage(text.quantity_clamped, limit) : '');
    return wanted.quantity;
  }
  quantityField.addEventListener('change', settleQuantity);
  form.querySelectorAll('input[name="purchase"]').forEach((radio) => radio.addEventListener('change', showPurchaseType));
  showPurchaseType();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = event.submitter;
    const options = {};
    let missing = null;
    form.querySelectorAll('[data-option]').forEach((select) => {
      if (!select.value && !missing) missing = select;
      options[select.getAttribute('data-option')] = select.value;
    });
    if (missing) {
      status.textContent = text.choose + ': ' + missing.getAttribute('data-option');
      missing.focus();
      return;
    }
    if (!(parseInt(quantityField.value, 10) >= 1)) {
      status.textContent = text.quantity + ': 1–' + limit;
      quantityField.focus();
      return;
    }
    const quantity = settleQuantity();
    const items = loadCart();
    const line = { sku: product.sku, quantity, options };
    if (subscribing()) line.interval = intervalSelect.value;
    const existing = items.find((item) => sameLine(item, line));
    let capped = false;
    if (existing) {
      capped = existing.quantity + quantity > limit;
      existing.quantity = Math.min(existing.quantity + quantity, limit);
    } else items.push(line);
    // The cart's subscription lines share one interval: the one just chosen (the cart checks the others offer it).
    const realigned = line.interval ? alignIntervals(null, items, line.interval) : false;
    saveCart(items);
    rememberMode(line.interval ? 'subscription' : 'once');
    if (submitter && submitter.value === 'buy') {
      window.location.href = config.cart_url;
      return;
    }
    status.textContent = '';
    if (realigned) status.appendChild(document.createTextNode(
      String(text.cart_interval_changed).replace('{interval}', interval(line.interval)) + ' '));
    if (capped) status.appendChild(document.createTextNode(clampMessage(text.quantity_clamped, limit) + ' '));
    status.appendChild(document.createTextNode(text.added + ' '));
    status.appendChild(element('a', { href: config.cart_url, text: text.view_cart }));
  });
}

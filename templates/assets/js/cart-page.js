/*
 * The cart page: the lines, priced from catalog.json, one checkout at a time (정기배송 lines or one-off lines),
 * then the checkout form (checkout.js). Also where a phone comes back from a provider's billing-key or
 * identity window.
 */
import { reconcileCart, sharedIntervals } from './cart-catalog.js';
import { alignIntervals, isSubscriptionLine, lineCounts } from './cart-lines.js';
import { applyCode, codeProblem, priceWithTerms, rememberedRule } from './cart-terms.js';
import { chooseMode, currentMode, loadCart, loadCatalog, saveCart } from './cart.js';
import { findProduct, nextSaleBoundary, purchaseLimit } from './catalog.js';
import { payOrder, setUpCheckoutForm } from './checkout.js';
import { fillTemplate } from './format.js';
import { resumeCertified } from './identity.js';
import { actionURL, element, interval as intervalText, money, text } from './page.js';
import { paymentProvider } from './payment.js';
import { clampMessage, clampQuantity, sayQuantityNote } from './quantity-limit.js';
import { stockNote } from './stock.js';
import { resumeSubscription } from './subscribe.js';

// Units each product has left now, as the function last said (SPEC §9); a SKU not in it was not asked about.
let stockNow = {};

/** Asks the function what the cart's products have left now and shows it on the lines; silent when it cannot. */
function refreshStock(cart, catalog) {
  const skus = [...new Set(loadCart().map((item) => item.sku))];
  if (!skus.length) return Promise.resolve();
  return fetch(actionURL('stock', { skus: skus.join(',') }), { headers: { Accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : null))
    .then((body) => {
      if (!body || !body.stock) return;
      stockNow = body.stock;
      renderCart(cart, catalog);
    })
    .catch(() => {});
}

export function setUpCartPage() {
  const cart = document.querySelector('[data-cart]');
  if (!cart) return;
  const notice = cart.querySelector('[data-cart-notice]');
  Promise.all([loadCatalog(), paymentProvider()]).then(([catalog, provider]) => {
    const reconciled = reconcileCart(catalog, loadCart());
    if (reconciled.changed) {
      saveCart(reconciled.items);
      notice.textContent = text.cart_unavailable;
      notice.hidden = false;
    }
    renderCart(cart, catalog);
    refreshStock(cart, catalog);
    setUpDiscountField(cart, catalog);
    setUpCheckoutForm(cart, catalog, provider, (refusal) => {
      if (refusal.sku && Number.isInteger(refusal.available)) stockNow[refusal.sku] = refusal.available;
      renderCart(cart, catalog);
    });
    // The postcode decides the 제주/도서산간 surcharge: show it as soon as it is known (typed or searched).
    const postcode = cart.querySelector('[name="buyer_postcode"]');
    if (postcode) ['input', 'change'].forEach((kind) => postcode.addEventListener(kind, () => renderCart(cart, catalog)));
    if (!resumeSubscription(cart, provider)) resumeCertified(cart, catalog, provider, payOrder);
  }).catch(() => {
    notice.textContent = text.status_error;
    notice.hidden = false;
  });
}

/**
 * The one interval the cart's subscription lines are delivered at: the first line's. A line whose product does
 * not offer it becomes a one-off line (say so), since one subscription cannot deliver at two rhythms.
 */
function settleInterval(catalog, items, notice) {
  const subscriptionLines = items.filter(isSubscriptionLine);
  if (!subscriptionLines.length) return null;
  const interval = subscriptionLines[0].interval;
  const moved = [];
  let changed = alignIntervals(catalog, items, interval);
  items.forEach((item) => {
    if (isSubscriptionLine(item) && item.interval !== interval) {
      delete item.interval;
      moved.push(findProduct(catalog, item.sku).title);
      changed = true;
    }
  });
  if (changed) saveCart(items);
  if (moved.length) {
    notice.textContent = String(text.cart_interval_moved).replace('{items}', moved.join(', '))
      .replace('{interval}', intervalText(interval));
    notice.hidden = false;
  }
  return interval;
}

function showCartMode(cart, catalog, all, mode, interval) {
  const counts = lineCounts(all);
  const modes = cart.querySelector('[data-cart-modes]');
  if (modes) {
    modes.hidden = !(counts.subscription > 0 && counts.once > 0);
    modes.querySelectorAll('[data-cart-mode]').forEach((button) => {
      const value = button.getAttribute('data-cart-mode');
      button.setAttribute('aria-pressed', value === mode ? 'true' : 'false');
      button.querySelector('[data-mode-count]').textContent = '(' + counts[value] + ')';
      button.onclick = () => { chooseMode(value); renderCart(cart, catalog); };
    });
  }
  const subscription = mode === 'subscription';
  const intervalField = cart.querySelector('[data-cart-interval]');
  if (intervalField) {
    intervalField.hidden = !subscription;
    const select = intervalField.querySelector('select');
    select.textContent = '';
    if (subscription) {
      // Only the intervals every subscription product in the cart offers.
      sharedIntervals(catalog, all.filter(isSubscriptionLine)).forEach((value) => {
        const option = element('option', { value, text: intervalText(value) });
        if (value === interval) option.selected = true;
        select.appendChild(option);
      });
      select.onchange = () => {
        const items = loadCart();
        alignIntervals(catalog, items, select.value);
        saveCart(items);
        renderCart(cart, catalog);
      };
    }
  }
  cart.querySelectorAll('[data-one-time-only]').forEach((node) => { node.hidden = subscription; });
  cart.querySelectorAll('[data-subscription-only]').forEach((node) => { node.hidden = !subscription; });
  const agree = cart.querySelector('[data-agree-text]');
  if (agree) agree.textContent = subscription ? text.subscription_agree : text.agree;
}

/** Units of `sku` across the cart's lines (one product may be in several lines, one per option). */
function totalOf(sku) {
  return loadCart().filter((item) => item.sku === sku).reduce((sum, item) => sum + item.quantity, 0);
}

function cartLine(cart, catalog, line, index, interval) {
  const product = findProduct(catalog, line.sku);
  const optionText = Object.keys(line.options).map((name) => name + ': ' + line.options[name]).join(', ');
  const limit = purchaseLimit(product);
  const quantity = element('input', { id: 'cart-quantity-' + index, type: 'number', min: '1', max: String(limit),
    value: String(line.quantity), inputmode: 'numeric', 'aria-label': text.quantity + ': ' + line.title });
  quantity.addEventListener('change', () => {
    const wanted = clampQuantity(quantity.value, limit);
    const current = loadCart();
    current[index].quantity = wanted.quantity;
    saveCart(reconcileCart(catalog, current).items);
    renderCart(cart, catalog);
    const field = cart.querySelector('#cart-quantity-' + index);
    if (wanted.clamped && field) sayQuantityNote(field, clampMessage(text.quantity_clamped, limit));
  });
  const remove = element('button', { type: 'button', class: 'link-button', text: text.remove });
  remove.setAttribute('aria-label', text.remove + ': ' + line.title);
  remove.addEventListener('click', () => {
    const current = loadCart();
    current.splice(index, 1);
    saveCart(current);
    renderCart(cart, catalog);
  });
  const stock = stockNote(totalOf(line.sku), stockNow[line.sku], text);
  return element('li', { class: 'cart-line' }, [
    element('div', { class: 'cart-line-title' }, [
      element('a', { href: product.url.replace(/^https?:\/\/[^/]+/, ''), text: line.title }),
      optionText ? element('span', { class: 'cart-line-options', text: optionText }) : null,
      stock ? element('span', { class: 'cart-line-stock', 'data-stock-note': line.sku, text: stock }) : null,
      interval ? element('span', { class: 'cart-line-options cart-line-interval', text: text.subscribe + ' · ' + intervalText(interval) }) : null
    ]),
    element('span', { class: 'cart-line-unit', text: money(line.price) }),
    element('span', { class: 'cart-line-quantity' }, [quantity]),
    element('strong', { class: 'cart-line-total', text: money(line.price * line.quantity) }),
    remove
  ]);
}

/** The 할인 코드 field: shown when the shop has codes; says what the code takes off, or why it does not apply. */
function setUpDiscountField(cart, catalog) {
  const field = cart.querySelector('[data-discount-field]');
  if (!field || !Array.isArray(catalog.discounts) || catalog.discounts.length === 0) return;
  field.hidden = false;
  const input = field.querySelector('input');
  const apply = () => applyCode(catalog, input.value).then(() => renderCart(cart, catalog));
  field.querySelector('[data-discount-apply]').addEventListener('click', apply);
  input.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); apply(); } });
}

function showDiscountStatus(cart, order, lines) {
  const status = cart.querySelector('[data-discount-status]');
  const input = cart.querySelector('[name="discount_code"]');
  if (!status || !input) return;
  const rule = rememberedRule();
  const problem = input.value.trim() === '' ? null : codeProblem(lines);
  if (problem) {
    status.textContent = fillTemplate(text['discount_' + problem] || text.reason_discount_invalid,
      { amount: rule && rule.min_subtotal ? money(rule.min_subtotal) : '' });
  } else if (rule && order && order.discount > 0) {
    status.textContent = fillTemplate(text.discount_applied, { code: input.value.trim(), amount: money(order.discount) });
  } else if (rule && order && order.shipping_discount > 0) {
    status.textContent = fillTemplate(text.discount_free_shipping, { code: input.value.trim() });
  } else {
    status.textContent = '';
  }
}

let boundaryTimer = null;
/** Re-renders the cart when a sale in it starts or ends, by the buyer's clock, without a reload. */
function watchSaleBoundaries(cart, catalog, lines) {
  clearTimeout(boundaryTimer);
  const next = nextSaleBoundary(catalog, lines.map((line) => line.sku), Math.floor(Date.now() / 1000));
  if (next === null) return;
  boundaryTimer = setTimeout(() => renderCart(cart, catalog), Math.min(2147483647, next * 1000 - Date.now() + 50));
}

function renderCart(cart, catalog) {
  const all = loadCart();
  const empty = cart.querySelector('[data-cart-empty]');
  const body = cart.querySelector('[data-cart-body]');
  empty.hidden = all.length > 0;
  body.hidden = all.length === 0;
  if (all.length === 0) return;
  let interval = settleInterval(catalog, all, cart.querySelector('[data-cart-notice]'));
  const mode = currentMode(all);
  if (mode !== 'subscription') interval = null;
  showCartMode(cart, catalog, all, mode, interval);
  const entries = all.map((item, index) => ({ item, index }))
    .filter((entry) => isSubscriptionLine(entry.item) === (mode === 'subscription'));
  const lines = entries.map((entry) => entry.item);
  const postcode = cart.querySelector('[name="buyer_postcode"]');
  const order = priceWithTerms(catalog, lines, postcode ? postcode.value.trim() : '', interval);
  const list = cart.querySelector('[data-cart-lines]');
  list.textContent = '';
  // Each line's index is its place in the whole stored cart.
  order.items.forEach((line, position) => list.appendChild(cartLine(cart, catalog, line, entries[position].index, interval)));
  cart.querySelector('[data-subtotal]').textContent = money(order.subtotal);
  cart.querySelector('[data-shipping]').textContent = order.shipping === 0 ? text.free : money(order.shipping);
  const discount = order.discount || 0;
  cart.querySelectorAll('[data-discount-row]').forEach((node) => { node.hidden = discount === 0; });
  const discountCell = cart.querySelector('[data-discount]');
  if (discountCell) discountCell.textContent = '−' + money(discount);
  const surcharge = order.surcharge || 0;
  cart.querySelectorAll('[data-surcharge-row]').forEach((node) => { node.hidden = surcharge === 0; });
  const surchargeCell = cart.querySelector('[data-surcharge]');
  if (surchargeCell) surchargeCell.textContent = money(surcharge);
  const pending = cart.querySelector('[data-surcharge-pending]');
  if (pending) pending.hidden = !order.surcharge_pending;
  if (!interval) {
    showDiscountStatus(cart, order, order.items);
    watchSaleBoundaries(cart, catalog, order.items);
  }
  cart.querySelector('[data-total]').textContent = money(order.total);
  const totalLabel = cart.querySelector('[data-total-label]');
  if (totalLabel) totalLabel.textContent = interval ? text.subscription_amount : text.total;
  const terms = cart.querySelector('[data-subscription-terms]');
  if (terms && interval) terms.textContent = fillTemplate(text.subscription_terms, { amount: money(order.total), interval: intervalText(interval) });
  const pay = cart.querySelector('[data-pay]');
  if (pay) {
    pay.textContent = interval
      ? text.subscription_pay + ' · ' + money(order.total) + ' / ' + intervalText(interval)
      : text.pay + ' · ' + money(order.total);
  }
}

/*
 * The cart, kept in the browser's localStorage under `gage-cart:<base path>` as [{sku, quantity, options,
 * interval?}], the header's item count, and the catalog the cart is priced with.
 */
import { cleanLines, lineCounts } from './cart-lines.js';
import { config, fetchShopJSON, storageScope } from './page.js';

const cartKey = 'gage-cart:' + storageScope;
// Which kind of line the buyer added last ('subscription' or 'once'): the cart page shows that checkout first.
const modeKey = 'gage-cart-mode:' + storageScope;

export function loadCart() {
  try {
    return cleanLines(JSON.parse(window.localStorage.getItem(cartKey) || '[]'));
  } catch (error) {
    return [];
  }
}

export function saveCart(items) {
  try { window.localStorage.setItem(cartKey, JSON.stringify(items)); } catch (error) { /* private mode: cart lives for this page only */ }
  showCartCount(items);
}

export function showCartCount(items) {
  const count = (items || loadCart()).reduce((sum, item) => sum + item.quantity, 0);
  document.querySelectorAll('[data-cart-count]').forEach((badge) => { badge.textContent = String(count); });
}

export function rememberMode(mode) {
  try { window.sessionStorage.setItem(modeKey, mode); } catch (error) { /* a default applies */ }
}

// The cart checks out one kind at a time: its subscription lines (one 정기배송, one interval) or its one-off lines.
let cartMode = null;

/** The checkout shown: the one the buyer picked, else the kind of line added last, else the subscription. */
export function currentMode(items) {
  const counts = lineCounts(items);
  if (!cartMode) {
    try { cartMode = window.sessionStorage.getItem(modeKey); } catch (error) { cartMode = null; }
  }
  if (!cartMode || !counts[cartMode]) cartMode = counts.subscription > 0 ? 'subscription' : 'once';
  return cartMode;
}

/** The buyer picked which checkout to see ('subscription' or 'once'). */
export function chooseMode(mode) { cartMode = mode; }

let catalogPromise = null;
/** catalog.json, fetched once per page. */
export function loadCatalog() {
  if (!catalogPromise) catalogPromise = fetchShopJSON(config.catalog_url);
  return catalogPromise;
}

/* What every page does: the header's cart count and the search box. Each page's entry starts it. */
import { showCartCount } from './cart.js';
import { setUpSearchForms } from './search-box.js';

export function startCommon() {
  showCartCount();
  setUpSearchForms();
  // Only a page listing a product with a sale needs the sale clock: its module is fetched for those pages alone.
  if (document.querySelector('[data-sale-card]')) {
    import('./sale-price.js').then(({ showSaleCards }) => showSaleCards());
  }
}

/* What every page does: the header's cart count and the search box. Each page's entry starts it. */
import { showCartCount } from './cart.js';
import { setUpSearchForms } from './search-box.js';

export function startCommon() {
  showCartCount();
  setUpSearchForms();
}

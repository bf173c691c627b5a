/*
 * A timed sale on the product page. The page is static and not rebuilt when a sale starts or ends, so the price
 * shown follows the buyer's clock: the sale price with the 정가 struck through and when the sale ends while it is
 * on, the regular price otherwise — switching at the boundary without a reload.
 */
import { money, text } from './page.js';
import { saleIsOn } from './catalog.js';

/** The end of a sale as the seller meant it: an end at Korean midnight is the last minute of the day before. */
export function saleEndText(until) {
  const shown = (until + 9 * 3600) % 86400 === 0 ? until - 60 : until;
  const formatted = new Intl.DateTimeFormat('ko-KR', {
    timeZone: 'Asia/Seoul', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).format(new Date(shown * 1000));
  return String(text.sale_until || '{time}').replace('{time}', formatted);
}

/** The next moment after `now` at which the sale starts or ends, or null. */
function nextBoundary(sale, now) {
  const moments = [sale.from, sale.until].filter((moment) => moment !== undefined && moment !== null && moment > now);
  return moments.length ? Math.min(...moments) : null;
}

/**
 * Shows `product`'s price in `priceNode` by the buyer's clock and keeps it so: the sale price with the regular one
 * struck through (and, with `ends`, when the sale ends) while the sale is on, the node's own markup otherwise.
 */
export function showSalePrice(priceNode, product, { ends = true } = {}) {
  if (!priceNode || !product || !product.sale) return;
  const regular = priceNode.innerHTML;
  let timer = null;
  const render = () => {
    const now = Math.floor(Date.now() / 1000);
    if (saleIsOn(product.sale, now)) {
      priceNode.textContent = '';
      const listed = document.createElement('del');
      const label = document.createElement('span');
      label.className = 'visually-hidden';
      label.textContent = (text.list_price || '') + ' ';
      listed.append(label, money(product.price));
      const sale = document.createElement('strong');
      sale.textContent = money(product.sale.price);
      sale.setAttribute('data-sale-price', '');
      priceNode.append(listed, ' ', sale);
      if (ends && product.sale.until) {
        const end = document.createElement('span');
        end.className = 'sale-ends';
        end.setAttribute('data-sale-ends', '');
        end.textContent = saleEndText(product.sale.until);
        priceNode.append(' ', end);
      }
    } else {
      priceNode.innerHTML = regular;
    }
    clearTimeout(timer);
    const next = nextBoundary(product.sale, now);
    if (next !== null) timer = setTimeout(render, Math.min(2147483647, next * 1000 - Date.now() + 50));
  };
  render();
}

/** Product cards (lists, categories, search) of products with a sale: each follows the buyer's clock too. */
export function showSaleCards(root = document) {
  root.querySelectorAll('[data-sale-card]').forEach((node) => {
    const number = (name) => (node.hasAttribute(name) ? Number(node.getAttribute(name)) : null);
    showSalePrice(node, { price: number('data-regular'),
      sale: { price: number('data-sale-price'), from: number('data-sale-from'), until: number('data-sale-until') } },
    { ends: false });
  });
}

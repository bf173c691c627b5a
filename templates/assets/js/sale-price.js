/*
 * A timed sale on the product page. The page is static and not rebuilt when a sale starts or ends, so the price
 * shown follows the buyer's clock: the sale price with the 정가 struck through and when the sale ends while it is
 * on, the regular price otherwise — switching at the boundary without a reload.
 */
import { money, text } from './page.js';
import { nextSaleBoundary, saleIsOn } from './catalog.js';

/** The end of a sale as the seller meant it: an end at Korean midnight is the last minute of the day before. */
export function saleEndText(until) {
  const shown = (until + 9 * 3600) % 86400 === 0 ? until - 60 : until;
  const formatted = new Intl.DateTimeFormat('ko-KR', {
    timeZone: 'Asia/Seoul', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).format(new Date(shown * 1000));
  return String(text.sale_until || '{time}').replace('{time}', formatted);
}

let timer = null;

export function showSalePrice(priceNode, product) {
  if (!priceNode || !product || !product.sale) return;
  const regular = priceNode.innerHTML;
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
      if (product.sale.until) {
        const ends = document.createElement('span');
        ends.className = 'sale-ends';
        ends.setAttribute('data-sale-ends', '');
        ends.textContent = saleEndText(product.sale.until);
        priceNode.append(' ', ends);
      }
    } else {
      priceNode.innerHTML = regular;
    }
    clearTimeout(timer);
    const next = nextSaleBoundary({ products: [product] }, [product.sku], now);
    if (next !== null) timer = setTimeout(render, Math.min(2147483647, next * 1000 - Date.now() + 50));
  };
  render();
}

// The cart's pricing with what the buyer gave (cart-terms.js): one-off lines take the sale, the code and the
// surcharge; a subscription's delivery takes only the surcharge (SPEC §5, §11). Amounts worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priceWithTerms } from '../../templates/assets/js/cart-terms.js';

const now = Math.floor(Date.now() / 1000);
const catalog = {
  shipping: { fee: 3000, free_over: 50000, jeju: 3000, remote: 5000, remote_postcodes: [[40200, 40240]] },
  products: [
    // 18,000, on sale for 15,000 now; 16,000 for subscribers every 2 or 4 weeks.
    { sku: 'BEAN', title: '원두', price: 18000, options: [], sale: { price: 15000, from: now - 3600, until: now + 3600 },
      subscription: { price: 16000, intervals: ['2w', '4w'] } }
  ]
};
const lines = [{ sku: 'BEAN', quantity: 2 }];

test('a one-off order to 제주 takes the sale and the surcharge', () => {
  const order = priceWithTerms(catalog, lines, '63309');
  assert.equal(order.total, 2 * 15000 + 3000 + 3000);
  assert.equal(order.surcharge, 3000);
});

test('a subscription to 제주 pays its subscriber price, no sale, and the surcharge on each delivery', () => {
  const order = priceWithTerms(catalog, lines, '63309', '4w');
  assert.equal(order.total, 2 * 16000 + 3000 + 3000);
  assert.equal(order.surcharge, 3000);
  assert.equal(order.surcharge_pending, false);
});

test('a subscription without a postcode yet is priced without the surcharge and says one may follow', () => {
  const order = priceWithTerms(catalog, lines, '', '4w');
  assert.equal(order.total, 2 * 16000 + 3000);
  assert.equal(order.surcharge_pending, true);
});

test('a subscription to 울릉 (도서산간) pays the remote surcharge', () => {
  assert.equal(priceWithTerms(catalog, lines, '40220', '2w').total, 2 * 16000 + 3000 + 5000);
});

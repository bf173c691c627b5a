// The cart's lines (templates/assets/js/cart-lines.js) and against the catalog (cart-catalog.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcileCart, sharedIntervals } from '../../templates/assets/js/cart-catalog.js';
import { alignIntervals, cleanLines, lineCounts, linesOf, sameLine } from '../../templates/assets/js/cart-lines.js';

const catalog = {
  products: [
    { sku: 'BEAN', price: 18000, stock: 12, max_quantity: 5,
      options: [{ name: '분쇄도', values: [{ label: '홀빈' }, { label: '에스프레소용', price: 500 }] }],
      subscription: { intervals: ['2w', '1m'], price: 16200 } },
    { sku: 'TEA', price: 12000, options: [], subscription: { intervals: ['1m'], price: 10800 } },
    { sku: 'GONE', price: 9000, stock: 0, options: [] },
    { sku: 'CUP', price: 8000, stock: 3, options: [] }
  ]
};

test('a stored cart keeps only well-formed lines, and only interval strings like 2w or 1m', () => {
  assert.deepEqual(cleanLines('nope'), []);
  assert.deepEqual(cleanLines([
    { sku: 'TEA', quantity: 1 }, { sku: 'TEA', quantity: 0 }, { sku: 1, quantity: 1 }, null, [],
    { sku: 'CUP', quantity: 2, options: [] }, { sku: 'BEAN', quantity: 1, options: { 분쇄도: '홀빈' }, interval: '2w', extra: 1 },
    { sku: 'TEA', quantity: 1, interval: 'daily' }
  ]), [
    { sku: 'TEA', quantity: 1, options: {} },
    { sku: 'BEAN', quantity: 1, options: { 분쇄도: '홀빈' }, interval: '2w' },
    { sku: 'TEA', quantity: 1, options: {} }
  ]);
});

test('the same product, options and kind of purchase is one line', () => {
  assert.ok(sameLine({ sku: 'A', options: { x: '1', y: '2' } }, { sku: 'A', options: { y: '2', x: '1' } }));
  assert.ok(!sameLine({ sku: 'A', options: {} }, { sku: 'A', options: {}, interval: '1m' }));
  assert.ok(sameLine({ sku: 'A', options: {}, interval: '2w' }, { sku: 'A', options: {}, interval: '1m' }));
});

test('a cart is reconciled with what may still be bought', () => {
  const { items, changed } = reconcileCart(catalog, [
    { sku: 'GONE', quantity: 1, options: {} },
    { sku: 'NOPE', quantity: 1, options: {} },
    { sku: 'BEAN', quantity: 4, options: { 분쇄도: '홀빈' } },
    { sku: 'BEAN', quantity: 4, options: { 분쇄도: '에스프레소용' } },
    { sku: 'BEAN', quantity: 1, options: { 분쇄도: '가루' } },
    { sku: 'TEA', quantity: 1, options: {}, interval: '2w' },
    { sku: 'CUP', quantity: 9, options: {}, interval: '1m' }
  ]);
  assert.ok(changed);
  assert.deepEqual(items, [
    { sku: 'BEAN', quantity: 4, options: { 분쇄도: '홀빈' } },
    { sku: 'BEAN', quantity: 1, options: { 분쇄도: '에스프레소용' } },
    { sku: 'TEA', quantity: 1, options: {}, interval: '1m' }
  ]);
  assert.equal(reconcileCart(catalog, [{ sku: 'TEA', quantity: 2, options: {} }]).changed, false);
});

test('subscription lines are aligned to one interval where their products offer it', () => {
  const items = [{ sku: 'BEAN', quantity: 1, options: {}, interval: '2w' }, { sku: 'TEA', quantity: 1, options: {}, interval: '1m' },
    { sku: 'CUP', quantity: 1, options: {} }];
  assert.equal(alignIntervals(catalog, items, '2w'), false);   // TEA is not offered every 2w
  assert.equal(alignIntervals(catalog, items, '1m'), true);
  assert.deepEqual(items.map((item) => item.interval), ['1m', '1m', undefined]);
  assert.equal(alignIntervals(null, items, '2w'), true);        // without a catalog: every subscription line
  assert.deepEqual(items.map((item) => item.interval), ['2w', '2w', undefined]);
});

test('lines are counted and taken by kind, and the intervals all subscription products share', () => {
  const items = [{ sku: 'BEAN', quantity: 1, options: {}, interval: '1m' }, { sku: 'CUP', quantity: 2, options: {} },
    { sku: 'TEA', quantity: 1, options: {}, interval: '1m' }];
  assert.deepEqual(lineCounts(items), { subscription: 2, once: 1 });
  assert.deepEqual(linesOf(items, 'once').map((item) => item.sku), ['CUP']);
  assert.deepEqual(linesOf(items, 'subscription').map((item) => item.sku), ['BEAN', 'TEA']);
  assert.deepEqual(sharedIntervals(catalog, linesOf(items, 'subscription')), ['1m']);
  assert.deepEqual(sharedIntervals(catalog, [items[0]]), ['2w', '1m']);
});

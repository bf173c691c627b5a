// The page's pricing (templates/assets/js/pricing.js) on the catalog of Tests/GageSiteTests/PricingAgreementTests,
// whose random carts compare it with GageCore.Pricing; here each rule with amounts worked out by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { purchaseLimit } from '../../templates/assets/js/catalog.js';
import { PricingError, priceOrder, unitPrice } from '../../templates/assets/js/pricing.js';

const catalog = {
  shipping: { fee: 3000, free_over: 50000 },
  products: [
    { sku: 'BEAN', title: '원두', price: 18000, stock: 12, max_quantity: 5,
      options: [{ name: '분쇄도', values: [{ label: '홀빈' }, { label: '에스프레소용', price: 500 }] }],
      subscription: { intervals: ['2w', '1m'], price: 16200 } },
    { sku: 'TEA', title: '녹차', price: 12000, options: [], subscription: { intervals: ['1m'], price: 10800 } },
    { sku: 'GONE', title: '품절', price: 9000, stock: 0, options: [] },
    { sku: 'CUP', title: '컵', price: 8000, stock: 30,
      options: [{ name: '색', values: [{ label: '흰색' }, { label: '검정', price: -1000 }] },
        { name: '크기', values: [{ label: 'S' }, { label: 'L', price: 2000 }] }] },
    { sku: 'CHEAP', title: '필터', price: 450, max_quantity: 10, options: [] },
    { sku: '20', title: '숫자 SKU', price: 1000, stock: 1, options: [] },
    { sku: '10', title: '숫자 SKU 2', price: 1000, max_quantity: 1, options: [] }
  ]
};

function reason(items, alreadySold, interval) {
  try {
    priceOrder(catalog, items, alreadySold, interval);
  } catch (error) {
    assert.ok(error instanceof PricingError, String(error));
    return error.reason;
  }
  return null;
}

describe('priceOrder', () => {
  test('options add their price and shipping is charged under the free-shipping amount', () => {
    const order = priceOrder(catalog, [{ sku: 'BEAN', quantity: 2, options: { 분쇄도: '에스프레소용' } }]);
    assert.deepEqual(order.items.map((item) => [item.sku, item.title, item.price, item.quantity]), [['BEAN', '원두', 18500, 2]]);
    assert.equal(order.subtotal, 37000);
    assert.equal(order.shipping, 3000);
    assert.equal(order.total, 40000);
  });

  test('shipping is free from the free-shipping amount on', () => {
    const order = priceOrder(catalog, [{ sku: 'TEA', quantity: 3 }, { sku: 'CUP', quantity: 2, options: { 색: '검정', 크기: 'L' } }]);
    assert.deepEqual(order.items.map((item) => item.price), [12000, 9000]);
    assert.equal(order.subtotal, 54000);
    assert.equal(order.shipping, 0);
    assert.equal(order.total, 54000);
  });

  test('a subscription prices the subscriber price and keeps the options', () => {
    const order = priceOrder(catalog, [{ sku: 'BEAN', quantity: 1, options: { 분쇄도: '에스프레소용' } }], {}, '2w');
    assert.equal(order.items[0].price, 16700);
    assert.equal(order.total, 19700);
    assert.equal(reason([{ sku: 'TEA', quantity: 1 }], {}, '2w'), 'unknown_item');
    assert.equal(reason([{ sku: 'CHEAP', quantity: 1 }], {}, '1m'), 'unknown_item');
  });

  test('unknown products, options and values are unknown_item', () => {
    assert.equal(reason([{ sku: 'NOPE', quantity: 1 }]), 'unknown_item');
    assert.equal(reason([{ sku: 'BEAN', quantity: 1, options: { 분쇄도: '가루' } }]), 'unknown_item');
    assert.equal(reason([{ sku: 'BEAN', quantity: 1, options: {} }]), 'unknown_item');
    assert.equal(reason([{ sku: 'TEA', quantity: 1, options: { 손잡이: '有' } }]), 'unknown_item');
  });

  test('malformed orders are bad_custom_data', () => {
    assert.equal(reason([]), 'bad_custom_data');
    assert.equal(reason('BEAN'), 'bad_custom_data');
    assert.equal(reason([{ sku: 'TEA', quantity: 0 }]), 'bad_custom_data');
    assert.equal(reason([{ sku: 'TEA', quantity: -2 }]), 'bad_custom_data');
    assert.equal(reason([{ sku: 'TEA', quantity: 1.5 }]), 'bad_custom_data');
    assert.equal(reason([{ sku: 'TEA', quantity: 10000 }]), 'bad_custom_data');
    assert.equal(reason([{ sku: 'TEA', quantity: '1' }]), 'bad_custom_data');
    assert.equal(reason([{ sku: 'BEAN', quantity: 1, options: { 분쇄도: 1 } }]), 'bad_custom_data');
    assert.equal(reason([{ sku: 42, quantity: 1 }]), 'bad_custom_data');
  });

  test('stock and the per-order limit count a SKU across its lines', () => {
    assert.equal(reason([{ sku: 'GONE', quantity: 1 }]), 'sold_out');
    assert.equal(reason([{ sku: 'BEAN', quantity: 3, options: { 분쇄도: '홀빈' } },
      { sku: 'BEAN', quantity: 3, options: { 분쇄도: '에스프레소용' } }]), 'quantity_limit');
    assert.equal(reason([{ sku: 'CHEAP', quantity: 11 }]), 'quantity_limit');
    assert.equal(reason([{ sku: 'CHEAP', quantity: 10 }]), null);
    assert.equal(reason([{ sku: 'BEAN', quantity: 2, options: { 분쇄도: '홀빈' } }], { BEAN: 11 }), 'sold_out');
    assert.equal(reason([{ sku: 'BEAN', quantity: 1, options: { 분쇄도: '홀빈' } }], { BEAN: 11 }), null);
  });

  test('limits are checked in the order the SKUs first appear, numeric SKUs too', () => {
    assert.equal(reason([{ sku: '20', quantity: 2 }, { sku: '10', quantity: 2 }]), 'sold_out');
    assert.equal(reason([{ sku: '10', quantity: 2 }, { sku: '20', quantity: 2 }]), 'quantity_limit');
  });

  test('an amount past the safe integers is refused', () => {
    const huge = { shipping: null, products: [{ sku: 'X', title: 'x', price: 2 ** 50, options: [] }] };
    assert.throws(() => priceOrder(huge, [{ sku: 'X', quantity: 9999 }]), (error) => error.reason === 'bad_custom_data');
  });
});

test('unitPrice needs a choice for every option', () => {
  assert.equal(unitPrice(catalog.products[3], { 색: '흰색', 크기: 'L' }), 10000);
  assert.throws(() => unitPrice(catalog.products[3], { 색: '흰색' }), PricingError);
});

test('purchaseLimit is the smaller of stock and the per-order limit', () => {
  assert.equal(purchaseLimit(catalog.products[0]), 5);
  assert.equal(purchaseLimit(catalog.products[3]), 30);
  assert.equal(purchaseLimit(catalog.products[1]), 9999);
});

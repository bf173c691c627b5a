// SPEC §11's rules in the page's pricing (templates/assets/js/pricing.js) and code lookup (discount-code.js), with
// amounts worked out by hand; Tests/GageSiteTests/PricingAgreementTests compares them with GageCore on generated carts.
import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { describe, test } from 'node:test';
import { findDiscount, hashCode, normaliseCode } from '../../templates/assets/js/discount-code.js';
import { PricingError, postcodeNumber, priceOrder, regionOf, splitDiscount } from '../../templates/assets/js/pricing.js';

const catalog = {
  shipping: { fee: 3000, free_over: 50000, jeju: 3000, remote: 5000, remote_postcodes: [[40200, 40240]] },
  products: [
    { sku: 'BEAN', title: '원두', price: 18000, options: [], sale: { price: 15000, from: 1000, until: 2000 } },
    { sku: 'RICE', title: '쌀', price: 32000, options: [], tax_free: true },
    { sku: 'CUP', title: '컵', price: 8000, options: [] }
  ]
};
const SEOUL = '04524';

function price(items, terms) {
  return priceOrder(catalog, items.map(([sku, quantity]) => ({ sku, quantity })), {}, undefined,
    Object.assign({ time: 500, discount: null, postcode: SEOUL }, terms));
}

function reason(items, terms) {
  try {
    price(items, terms);
  } catch (error) {
    assert.ok(error instanceof PricingError, String(error));
    return error.reason;
  }
  return null;
}

describe('discount codes', () => {
  test('percent is whole won rounded down, before shipping', () => {
    const order = price([['CUP', 1]], { discount: { percent: 33 } });
    assert.equal(order.discount, 2640);
    assert.equal(order.total, 8000 - 2640 + 3000);
    assert.equal(price([['BEAN', 1]], { discount: { percent: 7 } }).discount, 1260);
  });

  test('max_discount caps a percent, amount never exceeds the eligible items', () => {
    assert.equal(price([['RICE', 2]], { discount: { percent: 10, max_discount: 5000 } }).discount, 5000);
    const order = price([['CUP', 1]], { discount: { amount: 10000 } });
    assert.equal(order.discount, 8000);
    assert.equal(order.total, 3000);
  });

  test('free_over compares the subtotal after the discount', () => {
    // 32000 + 18000 = 50000 reaches free_over; minus 3000 it does not.
    assert.equal(price([['RICE', 1], ['BEAN', 1]], {}).shipping, 0);
    const order = price([['RICE', 1], ['BEAN', 1]], { discount: { amount: 3000 } });
    assert.equal(order.shipping, 3000);
    assert.equal(order.total, 50000);
  });

  test('free shipping waives the fee and says how much', () => {
    const order = price([['CUP', 1]], { discount: { free_shipping: true } });
    assert.deepEqual([order.shipping, order.shipping_discount, order.total], [0, 3000, 8000]);
  });

  test('min_subtotal and products count only the eligible items', () => {
    const rule = { percent: 10, min_subtotal: 16000, products: ['CUP'] };
    assert.equal(price([['CUP', 1], ['RICE', 1]], { discount: rule }).discount, 0);
    const order = price([['CUP', 2], ['RICE', 1]], { discount: rule });
    assert.deepEqual(order.items.map((line) => line.discount), [1600, 0]);
  });

  test('outside its window a code is discount_invalid', () => {
    const rule = { amount: 1000, starts: 1000, ends: 2000 };
    assert.equal(reason([['CUP', 1]], { discount: rule, time: 999 }), 'discount_invalid');
    assert.equal(reason([['CUP', 1]], { discount: rule, time: 2000 }), 'discount_invalid');
    assert.equal(price([['CUP', 1]], { discount: rule, time: 1999 }).discount, 1000);
  });
});

describe('discount split and tax-free part', () => {
  test('largest remainders, never more than a line', () => {
    const lines = [3, 3, 3, 1].map((p, i) => ({ sku: 'S' + i, price: p, quantity: 1 }));
    splitDiscount(9, lines, () => true);
    assert.deepEqual(lines.map((line) => line.discount), [3, 3, 2, 1]);
  });

  test('the tax-free part is the 면세 lines after their share', () => {
    // 32000 (면세) + 8000: 10 % = 4000 → 3200 and 800.
    const order = price([['RICE', 1], ['CUP', 1]], { discount: { percent: 10 } });
    assert.equal(order.tax_free, 28800);
    assert.equal(order.total, 39000);
  });
});

describe('timed sales', () => {
  test('the sale price from `from` until `until`', () => {
    assert.deepEqual([999, 1000, 1999, 2000].map((time) => price([['BEAN', 1]], { time }).items[0].price),
      [18000, 15000, 15000, 18000]);
    assert.equal(priceOrder(catalog, [{ sku: 'BEAN', quantity: 1 }]).items[0].price, 18000);
  });
});

describe('regional shipping', () => {
  test('jeju and remote surcharges, also when free_over waives the fee', () => {
    const jeju = price([['RICE', 2]], { postcode: '63309' });
    assert.deepEqual([jeju.shipping, jeju.surcharge, jeju.total], [0, 3000, 67000]);
    assert.equal(price([['CUP', 1]], { postcode: '40230' }).total, 16000);
    assert.equal(price([['CUP', 1]], { postcode: '63645' }).surcharge, 0);
    assert.equal(reason([['CUP', 1]], { postcode: '' }), 'address_required');
    assert.equal(reason([['CUP', 1]], { postcode: '1234' }), 'address_required');
  });

  test('postcodes are read as 5 digits; Jeju wins over a remote range', () => {
    assert.equal(postcodeNumber('63-644'), 63644);
    assert.equal(postcodeNumber('123456'), null);
    assert.equal(regionOf(63100, [[63000, 63999]]), 'jeju');
  });
});

describe('code hashing', () => {
  const key = { salt: 'gage-discount:test-shop', iterations: 1000 };

  test('is PBKDF2-HMAC-SHA256 of the normalised code, as node:crypto works it out', async () => {
    const expected = pbkdf2Sync('WELCOME10', key.salt, 1000, 32, 'sha256').toString('hex');
    assert.equal(await hashCode(key, '\u3000 welcome10\t'), expected);
    assert.notEqual(createHash('sha256').update('WELCOME10').digest('hex'), expected);
  });

  test('normalises case and surrounding spaces only', () => {
    assert.equal(normaliseCode('  Spring-Sale_1 '), 'SPRING-SALE_1');
    assert.equal(normaliseCode('wel come'), 'WEL COME');
  });

  test('finds the published rule for a typed code', async () => {
    const hash = pbkdf2Sync('SPRING', key.salt, 1000, 32, 'sha256').toString('hex');
    const shop = { discount_key: key, discounts: [{ hash, amount: 1000 }] };
    assert.deepEqual(await findDiscount(shop, ' spring'), { hash, amount: 1000 });
    assert.equal(await findDiscount(shop, 'SUMMER'), null);
    assert.equal(await findDiscount(shop, '   '), null);
  });
});

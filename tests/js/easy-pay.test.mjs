// The easy-pay buttons' requests (templates/assets/js/easy-pay.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { easyPayProvider, iamportEasyPay, naverProducts } from '../../templates/assets/js/easy-pay.js';

const catalog = { products: [{ sku: 'ETH', title: '에티오피아 예가체프' }, { sku: 'CUP', title: '머그컵' }] };
const items = [{ sku: 'ETH', quantity: 2, options: { 분쇄도: '홀빈' } }, { sku: 'CUP', quantity: 1, options: {} }];
const ordinary = { pg: 'html5_inicis.MOI', pay_method: 'vbank', escrow: true, vbank_due: '202612091800', name: '에티오피아 예가체프 외 1건', amount: 40000 };

test('네이버페이 gets one product entry per line, with the options, counted', () => {
  assert.deepEqual(naverProducts(items, catalog), [
    { categoryType: 'PRODUCT', categoryId: 'GENERAL', uid: 'ETH:홀빈', name: '에티오피아 예가체프 (홀빈)', count: 2 },
    { categoryType: 'PRODUCT', categoryId: 'GENERAL', uid: 'CUP', name: '머그컵', count: 1 }
  ]);
});

test('a V1 easy pay goes through its own channel by card, without the cash options', () => {
  const request = iamportEasyPay(ordinary, 'kakaopay', 'kakaopay.TC0ONETIME', { items, catalog, popup: true });
  assert.equal(request.pg, 'kakaopay.TC0ONETIME');
  assert.equal(request.pay_method, 'card');
  assert.equal(request.escrow, undefined);
  assert.equal(request.vbank_due, undefined);
  assert.equal(request.amount, 40000);
  assert.equal(request.naverProducts, undefined);
  assert.equal(ordinary.pg, 'html5_inicis.MOI');            // the ordinary request is left as it was
});

test('네이버페이 carries naverProducts, names the order by its first product and pops up only when asked', () => {
  const wide = iamportEasyPay(ordinary, 'naverpay', 'naverpay.np_test', { items, catalog, popup: true });
  assert.equal(wide.naverProducts.length, 2);
  assert.equal(wide.name, '에티오피아 예가체프 (홀빈)');
  assert.equal(wide.naverPopupMode, true);
  assert.equal(iamportEasyPay(ordinary, 'naverpay', 'naverpay.np_test', { items, catalog, popup: false }).naverPopupMode, false);
});

test('V2 names the providers in capitals', () => {
  assert.deepEqual(['kakaopay', 'naverpay', 'tosspay'].map(easyPayProvider), ['KAKAOPAY', 'NAVERPAY', 'TOSSPAY']);
});

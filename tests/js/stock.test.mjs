// What the page says about stock and refusals before any payment window opens (templates/assets/js/stock.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalText, stockNote } from '../../templates/assets/js/stock.js';

const text = {
  refused_only_left: '‘{title}’ 상품은 남은 수량이 {available}개입니다.',
  refused_sold_out: '‘{title}’ 상품이 품절되었습니다.',
  refused_limit: '‘{title}’ 상품은 한 번에 {limit}개까지 주문할 수 있습니다.',
  reason_unknown_item: '판매하지 않는 상품이나 옵션이 포함되어 있습니다.',
  status_error: '결제 결과를 확인하지 못했습니다.',
  refused_discount: '{why} 할인 코드를 빼거나 바꿔 다시 주문해 주세요.',
  discount_used_up: '모두 사용된 할인 코드입니다.',
  reason_discount_invalid: '할인 코드를 사용할 수 없습니다.',
  stock_left: '남은 수량 {available}개',
  stock_sold_out: '품절'
};

test('a sold-out refusal names the product and what is left', () => {
  assert.equal(refusalText({ reason: 'sold_out', sku: 'A', title: '원뿔형 필터', available: 1, requested: 4 }, text),
    '‘원뿔형 필터’ 상품은 남은 수량이 1개입니다.');
  assert.equal(refusalText({ reason: 'sold_out', sku: 'A', title: '원뿔형 필터', available: 0, requested: 1 }, text),
    '‘원뿔형 필터’ 상품이 품절되었습니다.');
});

test('a limit refusal names the limit; other reasons their usual text', () => {
  assert.equal(refusalText({ reason: 'quantity_limit', sku: 'A', title: '주전자', limit: 2 }, text),
    '‘주전자’ 상품은 한 번에 2개까지 주문할 수 있습니다.');
  assert.equal(refusalText({ reason: 'unknown_item', sku: 'X' }, text), text.reason_unknown_item);
  assert.equal(refusalText({ reason: 'something_new' }, text), text.status_error);
});

test('a discount refusal says why the code cannot be used, or that it cannot', () => {
  assert.equal(refusalText({ reason: 'discount_invalid', discount_problem: 'used_up' }, text),
    '모두 사용된 할인 코드입니다. 할인 코드를 빼거나 바꿔 다시 주문해 주세요.');
  assert.equal(refusalText({ reason: 'discount_invalid', discount_problem: 'something_new' }, text),
    '할인 코드를 사용할 수 없습니다. 할인 코드를 빼거나 바꿔 다시 주문해 주세요.');
});

test('a cart line hears of its stock only when it asks for more than is left', () => {
  assert.equal(stockNote(4, 1, text), '남은 수량 1개');
  assert.equal(stockNote(1, 0, text), '품절');
  assert.equal(stockNote(2, 2, text), '');
  assert.equal(stockNote(2, null, text), '');         // not tracked
  assert.equal(stockNote(2, undefined, text), '');    // not asked, or the function did not answer
});

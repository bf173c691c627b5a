// A quantity over the per-order limit is lowered and said (templates/assets/js/quantity-limit.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clampMessage, clampQuantity } from '../../templates/assets/js/quantity-limit.js';

test('a quantity over the limit is lowered to it and says so', () => {
  assert.deepEqual(clampQuantity('99', 10), { quantity: 10, clamped: true });
  assert.deepEqual(clampQuantity(11, 10), { quantity: 10, clamped: true });
});

test('a quantity within the limit is kept, and nonsense becomes 1 without a clamp', () => {
  assert.deepEqual(clampQuantity('10', 10), { quantity: 10, clamped: false });
  assert.deepEqual(clampQuantity('3', 10), { quantity: 3, clamped: false });
  assert.deepEqual(clampQuantity('', 10), { quantity: 1, clamped: false });
  assert.deepEqual(clampQuantity('-4', 10), { quantity: 1, clamped: false });
  assert.deepEqual(clampQuantity('abc', 10), { quantity: 1, clamped: false });
});

test('the message names the limit everywhere it says {n}', () => {
  assert.equal(clampMessage('1회 최대 {n}개까지 주문할 수 있어 {n}개로 맞췄습니다.', 10),
    '1회 최대 10개까지 주문할 수 있어 10개로 맞췄습니다.');
});

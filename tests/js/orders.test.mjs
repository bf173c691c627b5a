// Order numbers, billing-key aliases, order names and deadlines (templates/assets/js/orders.js).
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';
import { newCustomerUID, newMerchantUID, orderName, vbankDue } from '../../templates/assets/js/orders.js';

// Browsers and Node 20 have Web Crypto as `crypto`; Debian's Node 18 only as node:crypto's webcrypto.
globalThis.crypto ??= webcrypto;

test('a merchant_uid is at most 40 of [A-Za-z0-9_-], starts with the prefix, and is fresh each time', () => {
  const seen = new Set();
  for (let i = 0; i < 2000; i++) {
    const uid = newMerchantUID('gage-');
    assert.match(uid, /^gage-[a-z0-9]+-[a-z0-9]{10}$/);
    assert.ok(uid.length <= 40);
    seen.add(uid);
  }
  assert.equal(seen.size, 2000);
});

test('a merchant_uid carries the time, and a long prefix still leaves 40 characters at most', () => {
  assert.ok(newMerchantUID('', 1767225600000).startsWith((1767225600000).toString(36) + '-'));
  const long = newMerchantUID('a-very-long-shop-prefix-of-thirty-');
  assert.equal(long.length, 40);
  assert.match(long, /^[A-Za-z0-9_-]+$/);
});

test('a customer_uid is the prefix, c, and 24 random characters', () => {
  const uid = newCustomerUID('gage-');
  assert.match(uid, /^gage-c[a-z0-9]{24}$/);
  assert.notEqual(uid, newCustomerUID('gage-'));
});

test('the order name is the first title and how many more lines follow', () => {
  const text = { order_name_more: '외 {n}건' };
  assert.equal(orderName([{ title: '에티오피아 예가체프 원두 200g' }], text), '에티오피아 예가체프 원두 200g');
  assert.equal(orderName([{ title: '에티오피아 예가체프 원두 200g' }, { title: 'b' }, { title: 'c' }], text),
    '에티오피아 예가체프 원두 200g 외 2건');
  assert.equal(orderName([{ title: 'a' }, { title: 'b' }], {}), 'a +1');
  const long = 'ㄱ'.repeat(31);
  assert.equal(orderName([{ title: long }], text), 'ㄱ'.repeat(29) + '…');
  assert.equal(orderName([{ title: 'ㄱ'.repeat(30) }], text), 'ㄱ'.repeat(30));
});

test('a virtual account deadline is YYYYMMDDHHmm in Korean time', () => {
  // 2026-12-31 14:30 UTC + 72 h = 2027-01-03 14:30 UTC = 2027-01-03 23:30 KST.
  assert.equal(vbankDue(72, Date.UTC(2026, 11, 31, 14, 30)), '202701032330');
  assert.equal(vbankDue(1, Date.UTC(2026, 0, 1, 15, 5)), '202601020105');
});

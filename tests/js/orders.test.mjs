// Order numbers, billing-key aliases, order names and deadlines (templates/assets/js/orders.js).
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';
import { koreanDay, newCustomerUID, newMerchantUID, normalizeOrderNumber, orderName, vbankDue } from '../../templates/assets/js/orders.js';

// Browsers and Node 20 have Web Crypto as `crypto`; Debian's Node 18 only as node:crypto's webcrypto.
globalThis.crypto ??= webcrypto;

test('a merchant_uid is the prefix, the Korean day and two groups of four of Crockford base32, fresh each time', () => {
  const seen = new Set();
  for (let i = 0; i < 2000; i++) {
    const uid = newMerchantUID('onggi-', Date.UTC(2026, 11, 6, 3, 0));
    assert.match(uid, /^onggi-261206-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.ok(uid.length <= 24);
    seen.add(uid);
  }
  assert.equal(seen.size, 2000);
});

test('an order number carries the day in Korean time, which starts at 15:00 UTC', () => {
  assert.equal(koreanDay(Date.UTC(2026, 11, 6, 14, 59)), '261206');
  assert.equal(koreanDay(Date.UTC(2026, 11, 6, 15, 0)), '261207');
  assert.equal(koreanDay(Date.UTC(2026, 11, 31, 15, 0)), '270101');
  assert.ok(newMerchantUID('', Date.UTC(2026, 0, 2, 0, 0)).startsWith('260102-'));
});

test('the code is uniform over its 32 characters (40 bits a day)', () => {
  const counts = new Map();
  for (let i = 0; i < 4000; i++) {
    for (const character of newMerchantUID('').slice(7).replace('-', '')) counts.set(character, (counts.get(character) || 0) + 1);
  }
  assert.equal(counts.size, 32);
  for (const count of counts.values()) assert.ok(count > 700 && count < 1300, String(count));   // 1,000 expected
});

test('the longest prefix the shop allows (20) still leaves a valid merchant_uid of at most 40', () => {
  const long = newMerchantUID('a-long-shop-prefix-2');
  assert.equal(long.length, 36);
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

test('an order number typed from a phone call reads as the shop wrote it', () => {
  assert.equal(normalizeOrderNumber(' onggi-261206-kdmh-n07y ', 'onggi-'), 'onggi-261206-KDMH-N07Y');
  assert.equal(normalizeOrderNumber('ONGGI-261206-KDMH-NO7Y', 'onggi-'), 'onggi-261206-KDMH-N07Y');   // O for 0
  assert.equal(normalizeOrderNumber('onggi-261206-kdmh-n1ly', 'onggi-'), 'onggi-261206-KDMH-N11Y');   // l and I for 1
  assert.equal(normalizeOrderNumber('onggi-261206-KDMH N07Y'.replace(' ', '-'), 'onggi-'), 'onggi-261206-KDMH-N07Y');
  // An older number (base 36 in lower case) and another shop's are left as typed, but for spaces.
  assert.equal(normalizeOrderNumber('onggi-mbx3k2a1-abcdefghij', 'onggi-'), 'onggi-mbx3k2a1-abcdefghij');
  assert.equal(normalizeOrderNumber('other-261206-kdmh-n07y', 'onggi-'), 'other-261206-kdmh-n07y');
});

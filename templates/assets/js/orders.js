/*
 * An order's identity and name as the page makes them (SPEC §2): merchant_uid, the billing-key alias, the
 * order name, a virtual account's deadline. Pure: no DOM; Node imports it for the tests.
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomCharacters(count, { fallback }) {
  const bytes = new Uint8Array(count);
  const crypto = globalThis.crypto;
  if (crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
  else if (fallback) for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(Math.random() * 256);
  else throw new Error('no secure random numbers');
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte % ALPHABET.length];
  return random;
}

/** A fresh merchant_uid: the shop's prefix, the time and randomness; at most 40 of [A-Za-z0-9_-]. */
export function newMerchantUID(prefix, now = Date.now()) {
  return (prefix + now.toString(36) + '-' + randomCharacters(10, { fallback: true })).slice(0, 40);
}

/** A fresh billing-key alias (customer_uid): the shop's prefix and 24 random characters nobody can guess. */
export function newCustomerUID(prefix) {
  // No fallback: a guessable key alias would let others charge it.
  return prefix + 'c' + randomCharacters(24, { fallback: false });
}

/** "에티오피아 예가체프 원두 200g 외 2건": the first item's title and how many more lines follow. */
export function orderName(pricedItems, text) {
  let first = pricedItems[0].title;
  if (first.length > 30) first = first.slice(0, 29) + '…';
  const more = pricedItems.length - 1;
  return more > 0 ? first + ' ' + String(text.order_name_more || '+{n}').replace('{n}', more) : first;
}

/** A virtual account's deadline, `hours` from `now`, as Iamport takes it: YYYYMMDDHHmm in Korean time. */
export function vbankDue(hours, now = Date.now()) {
  const korean = new Date(now + hours * 3600 * 1000 + 9 * 3600 * 1000);
  const two = (n) => (n < 10 ? '0' : '') + n;
  return String(korean.getUTCFullYear()) + two(korean.getUTCMonth() + 1) + two(korean.getUTCDate()) +
    two(korean.getUTCHours()) + two(korean.getUTCMinutes());
}

/** The custom data of a one-off payment (SPEC §2, §11): items, shop, catalog version, and the pricing terms. */
export function customData(prepared, items, catalog) {
  const data = { items, shop: catalog.shop, catalog: catalog.version };
  if (prepared.discount) data.discount = prepared.discount;
  if (prepared.priced_at) data.priced_at = prepared.priced_at;
  return data;
}

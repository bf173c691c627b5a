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

// An order number's code: Crockford's base32 (no I, L, O, U), so it reads out on the phone without "I or 1?".
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The day in Korean time as YYMMDD: the date an order number carries. */
export function koreanDay(now = Date.now()) {
  const korean = new Date(now + 9 * 3600 * 1000);
  const two = (n) => (n < 10 ? '0' : '') + n;
  return two(korean.getUTCFullYear() % 100) + two(korean.getUTCMonth() + 1) + two(korean.getUTCDate());
}

/**
 * A fresh merchant_uid a buyer can read out on the phone: the shop's prefix, the day, and 8 random characters
 * of Crockford's base32 in two groups, `onggi-261206-K7M4-PX2Q` (prefix + 16; at most 24 with a prefix of up
 * to 8). 40 random bits per day: the lookup also needs the phone and allows 5 failed tries per number an hour.
 * At most 40 of [A-Za-z0-9_-].
 */
export function newMerchantUID(prefix, now = Date.now()) {
  const bytes = new Uint8Array(8);
  const crypto = globalThis.crypto;
  if (crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
  else for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(Math.random() * 256);
  // 256 is a multiple of 32: each byte's low 5 bits are uniform.
  const code = Array.from(bytes, (byte) => CODE_ALPHABET[byte & 31]).join('');
  return (prefix + koreanDay(now) + '-' + code.slice(0, 4) + '-' + code.slice(4)).slice(0, 40);
}

/**
 * An order number as a buyer types it from a mail or a phone call, as the shop wrote it: the code in capitals
 * and Crockford's look-alikes read as digits (o → 0, i and l → 1), spaces dropped. A number not of today's shape
 * (an older one) is only trimmed.
 */
export function normalizeOrderNumber(typed, prefix) {
  const compact = String(typed || '').replace(/\s+/g, '');
  const start = prefix && compact.toLowerCase().startsWith(prefix.toLowerCase()) ? prefix.length : -1;
  if (start < 0) return compact;
  const rest = compact.slice(start).toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^\d{6}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(rest) ? prefix + rest : compact;
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

/*
 * Discount codes as catalog.json publishes them: under PBKDF2-HMAC-SHA256 of the normalised code with the shop's
 * salt (GageCore's DiscountKey), so the built site never holds a code in clear. A typed code is hashed with the
 * browser's WebCrypto and looked up. No DOM; Node (which has WebCrypto too) imports it for the tests.
 */

/** Unicode's White_Space, as Swift's trimming sees it (String.prototype.trim differs: it keeps U+0085, drops U+FEFF). */
const EDGE_SPACE = /^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/g;

/** The code as it is matched: surrounding white space dropped, ASCII letters upper-cased. */
export function normaliseCode(code) {
  return String(code).replace(EDGE_SPACE, '').replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The published hash of `code` under the catalog's `discount_key` ({salt, iterations}). */
export async function hashCode(key, code) {
  const encoder = new TextEncoder();
  const material = await globalThis.crypto.subtle.importKey('raw', encoder.encode(normaliseCode(code)), 'PBKDF2', false,
    ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(key.salt), iterations: key.iterations }, material, 256);
  return hex(bits);
}

/** The rule published for a typed code, or null when the shop has no such code. */
export async function findDiscount(catalog, code) {
  if (!catalog.discount_key || !Array.isArray(catalog.discounts) || normaliseCode(code) === '') return null;
  const hash = await hashCode(catalog.discount_key, code);
  return catalog.discounts.find((rule) => rule.hash === hash) || null;
}

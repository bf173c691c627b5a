/*
 * The payment provider the shop pays through (shop.yml's provider block), behind one small interface, as
 * PaymentProvider is on the Swift side. Each provider module (pay-iamport.js for V1's IMP, pay-portone.js for
 * V2's PortOne) exports:
 *
 *   pay({prepared: {merchant_uid, amount, name}, items, catalog, buyer, payMethod, certification?})
 *     → Promise<Outcome>: opens the provider's window for the order.
 *   returned(URLSearchParams) → Outcome: what the provider's redirect back to complete_url (a phone) says.
 *   issueBillingKey({customerUID, merchantUID, name, amount, buyer}) → Promise<{issued, message, key}> (optional)
 *   billingKeyReturned(URLSearchParams) → {merchantUID, issued, message, key?} | null                 (optional)
 *     `key` is what `/subscribe` names the key by: {customer_uid} (V1, made by the page) or {billing_key} (V2).
 *   identityField: the field `/identity` takes a certification under (imp_uid, identity_verification_id).
 *   certify({merchantUID}) → Promise<{success, certification}>                                      (optional)
 *   certificationReturned(URLSearchParams) → {merchantUID, success, certification} | null            (optional)
 *
 * An Outcome is {payment, message}: a payment may exist, and `payment` is what the verify function is asked
 * about ({imp_uid, merchant_uid} or {payment_id}); or {closed: true, message, merchant_uid?}: none was made.
 * `message` is the provider's own words, shown when the payment turns out not to be paid. A method rejects
 * with ProviderUnavailable when the provider's SDK or the shop's settings for it are missing. The page never
 * decides that an order is paid: an Outcome only says what to ask the function.
 */
import { config } from './page.js';

export class ProviderUnavailable extends Error {
  constructor(what) {
    super(what + ' is not available');
    this.name = 'ProviderUnavailable';
  }
}

let providerPromise = null;
/** The shop's provider module, loaded once and only on the pages that pay. */
export function paymentProvider() {
  if (!providerPromise) {
    providerPromise = (config.provider === 'portone' ? import('./pay-portone.js') : import('./pay-iamport.js'))
      .catch((error) => { providerPromise = null; throw error; });
  }
  return providerPromise;
}

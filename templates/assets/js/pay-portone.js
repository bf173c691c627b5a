/*
 * PortOne V2 (shop.yml portone:): PortOne.requestPayment, whose paymentId is the order number. The promise
 * settles in the window flow; a phone comes back to complete_url with ?paymentId=…. 정기배송 issues a billing
 * key with PortOne.requestIssueBillingKey, 성인인증 verifies with PortOne.requestIdentityVerification under an id
 * named for the order. The payment provider interface is described in payment.js.
 */
import { easyPayProvider } from './easy-pay.js';
import { customData } from './orders.js';
import { actionURL, config } from './page.js';
import { ProviderUnavailable } from './payment.js';

/** The field `/identity` takes a verification under. */
export const identityField = 'identity_verification_id';

/** The buyer as V2's `customer` takes them. */
function customer(buyer) {
  return {
    fullName: buyer.name,
    phoneNumber: (buyer.tel || '').replace(/-/g, ''),
    email: buyer.email,
    zipcode: buyer.postcode,
    address: { addressLine1: buyer.addr, addressLine2: '' }
  };
}

export function pay({ prepared, items, catalog, buyer, payMethod, certification, easyPay }) {
  const PortOne = window.PortOne;
  // An easy-pay button: EASY_PAY with its provider, on the shop's EASY_PAY channel (shop.yml portone.easy_pay).
  payMethod = easyPay ? 'EASY_PAY' : payMethod || 'CARD';
  const channelKey = (config.channel_keys || {})[payMethod];
  if (!PortOne || !channelKey) return Promise.reject(new ProviderUnavailable('PortOne'));
  const request = {
    storeId: config.store_id,
    channelKey,
    paymentId: prepared.merchant_uid,
    orderName: prepared.name,
    totalAmount: prepared.amount,
    currency: config.currency,
    payMethod,
    customer: customer(buyer),
    customData: customData(prepared, items, catalog),
    redirectUrl: config.complete_url,
    // PortOne asks the function before approving (when the store has the confirm process): a tampered
    // order is never approved.
    confirmUrl: actionURL('confirm')
  };
  if (certification) request.customData.certification = certification;
  if (easyPay) request.easyPay = { easyPayProvider: easyPayProvider(easyPay) };
  if ((config.escrow_methods || []).indexOf(payMethod) >= 0) request.isEscrow = true;
  // 면세: the tax-free part of the amount, which PortOne keeps as amount.taxFree and the function checks.
  if (prepared.tax_free > 0) request.taxFreeAmount = prepared.tax_free;
  if (payMethod === 'VIRTUAL_ACCOUNT') {
    request.virtualAccount = { accountExpiry: { validHours: config.vbank_hours || 72 } };
  }
  return PortOne.requestPayment(request).then((response) => {
    if (!response || response.code !== undefined && response.code !== null && !response.paymentId) {
      return { closed: true, message: response && response.message };
    }
    // A code means the window ended without payment; the function still asks PortOne, which tells.
    return { payment: { payment_id: response.paymentId || prepared.merchant_uid }, message: response.code ? response.message : null };
  }, () => ({ closed: true }));
}

/** V2's redirect: ?paymentId=… (older pages: payment_id), with code and message when the window failed. */
export function returned(query) {
  const paymentID = query.get('paymentId') || query.get('payment_id');
  if (!paymentID) return { closed: true, message: query.get('message') };
  return { payment: { payment_id: paymentID }, message: query.get('code') ? query.get('message') : null };
}

/**
 * 정기배송: PortOne.requestIssueBillingKey through the shop's billing channel. PortOne makes the key (billingKey),
 * which the function takes once. A phone comes back to the cart with ?billingKey=…&transactionType=
 * ISSUE_BILLING_KEY and the order number this page put in redirectUrl.
 */
export function issueBillingKey({ merchantUID, name, buyer }) {
  const PortOne = window.PortOne;
  if (!PortOne || !PortOne.requestIssueBillingKey || !config.billing_channel_key) {
    return Promise.reject(new ProviderUnavailable('PortOne.requestIssueBillingKey'));
  }
  const redirect = new URL(config.certified_url, window.location.href);
  redirect.searchParams.set('gage_subscription', merchantUID);
  return PortOne.requestIssueBillingKey({
    storeId: config.store_id,
    channelKey: config.billing_channel_key,
    billingKeyMethod: 'CARD',
    issueId: merchantUID,
    issueName: name,
    customer: customer(buyer),
    redirectUrl: redirect.toString()
  }).then((response) => issued(response && response.code, response && response.billingKey, response && response.message));
}

function issued(code, billingKey, message) {
  const ok = !code && Boolean(billingKey);
  return { issued: ok, message: ok ? null : message, key: ok ? { billing_key: billingKey } : null };
}

export function billingKeyReturned(query) {
  if (query.get('transactionType') !== 'ISSUE_BILLING_KEY' || !query.get('gage_subscription')) return null;
  return { merchantUID: query.get('gage_subscription'),
    ...issued(query.get('code'), query.get('billingKey'), query.get('message')) };
}

/** 성인인증 through the shop's identity channel, under `<paymentId>-iv`: the verification names its one order. */
export function certify({ merchantUID }) {
  const PortOne = window.PortOne;
  if (!PortOne || !PortOne.requestIdentityVerification || !config.identity_channel_key) {
    return Promise.reject(new ProviderUnavailable('PortOne.requestIdentityVerification'));
  }
  const id = merchantUID + '-iv';
  return PortOne.requestIdentityVerification({
    storeId: config.store_id, identityVerificationId: id, channelKey: config.identity_channel_key,
    redirectUrl: config.certified_url
  }).then((response) => ({ success: Boolean(response) && !response.code, certification: id }));
}

/** Back on the cart from the identity window on a phone: ?identityVerificationId=…&transactionType=IDENTITY_VERIFICATION. */
export function certificationReturned(query) {
  const id = query.get('identityVerificationId');
  if (query.get('transactionType') !== 'IDENTITY_VERIFICATION' || !id || !id.endsWith('-iv')) return null;
  return { merchantUID: id.slice(0, -3), success: !query.get('code'), certification: id };
}

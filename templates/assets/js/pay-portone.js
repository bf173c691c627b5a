/*
 * PortOne V2 (shop.yml portone:): PortOne.requestPayment, whose paymentId is the order number. The promise
 * settles in the window flow; a phone comes back to complete_url with ?paymentId=…. The payment provider
 * interface is described in payment.js. Billing keys and identity verification are V1's only, for now.
 */
import { customData } from './orders.js';
import { actionURL, config } from './page.js';
import { ProviderUnavailable } from './payment.js';

export function pay({ prepared, items, catalog, buyer, payMethod }) {
  const PortOne = window.PortOne;
  payMethod = payMethod || 'CARD';
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
    customer: {
      fullName: buyer.name,
      phoneNumber: buyer.tel.replace(/-/g, ''),
      email: buyer.email,
      zipcode: buyer.postcode,
      address: { addressLine1: buyer.addr, addressLine2: '' }
    },
    customData: customData(prepared, items, catalog),
    redirectUrl: config.complete_url,
    // PortOne asks the function before approving (when the store has the confirm process): a tampered
    // order is never approved.
    confirmUrl: actionURL('confirm')
  };
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

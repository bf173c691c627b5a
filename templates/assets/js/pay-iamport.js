/*
 * Iamport (PortOne V1): IMP.request_pay for payments and billing keys, IMP.certification for 성인인증.
 * The payment provider interface is described in payment.js. The SDK (sdk_url) is loaded by the cart page.
 */
import { iamportEasyPay } from './easy-pay.js';
import { customData, vbankDue } from './orders.js';
import { config } from './page.js';
import { ProviderUnavailable } from './payment.js';

/** The field `/identity` takes a certification under. */
export const identityField = 'imp_uid';

function sdk() {
  const IMP = window.IMP;
  if (!IMP) throw new ProviderUnavailable('IMP');
  IMP.init(config.merchant_code);
  return IMP;
}

export function pay({ prepared, items, catalog, buyer, payMethod, certification, easyPay }) {
  return new Promise((resolve) => {
    const IMP = sdk();
    let params = {
      pg: config.pg,
      pay_method: payMethod || 'card',
      merchant_uid: prepared.merchant_uid,
      name: prepared.name,
      amount: prepared.amount,
      currency: config.currency,
      buyer_name: buyer.name,
      buyer_tel: buyer.tel,
      buyer_email: buyer.email,
      buyer_addr: buyer.addr,
      buyer_postcode: buyer.postcode,
      // The shop and the catalog version priced with: the function honours these prices for a while after
      // the seller changes them, and ignores payments another shop on the same account made.
      custom_data: customData(prepared, items, catalog),
      m_redirect_url: config.complete_url
    };
    // 면세: the tax-free part of the amount (the function checks it and refunds carry it).
    if (prepared.tax_free > 0) params.tax_free = prepared.tax_free;
    if (certification) params.custom_data.certification = certification;
    if (params.pay_method === 'phone') params.digital = false;
    // 구매안전서비스: cash payments go through the PG's escrow when the shop has it (checkout.escrow).
    if ((config.escrow_methods || []).indexOf(params.pay_method) >= 0) params.escrow = true;
    if (params.pay_method === 'vbank') params.vbank_due = vbankDue(config.vbank_hours || 72);
    // An easy-pay button: that brand's own channel (shop.yml iamport.easy_pay).
    const easyPayPG = easyPay && (config.easy_pay || {})[easyPay];
    if (easyPay && !easyPayPG) throw new ProviderUnavailable('easy_pay ' + easyPay);
    if (easyPayPG) {
      params = iamportEasyPay(params, easyPay, easyPayPG,
        { items, catalog, popup: !window.matchMedia('(pointer: coarse)').matches });
    }
    IMP.request_pay(params, (rsp) => {
      // No imp_uid: no payment was created (window closed before paying, or refused up front).
      if (!rsp || !rsp.imp_uid) resolve({ closed: true, message: rsp && rsp.error_msg });
      else resolve({ payment: { imp_uid: rsp.imp_uid, merchant_uid: rsp.merchant_uid || prepared.merchant_uid }, message: rsp.error_msg });
    });
  });
}

/** The result page, also m_redirect_url: imp_uid, merchant_uid and imp_success/success (or neither). */
export function returned(query) {
  const impUID = query.get('imp_uid');
  const merchantUID = query.get('merchant_uid');
  const message = query.get('error_msg');
  if (!impUID) return { closed: true, message, merchant_uid: merchantUID || undefined };
  return { payment: { imp_uid: impUID, merchant_uid: merchantUID || '' }, message };
}

/** 정기배송: the PG's window issues a billing key under `customerUID`; no approval happens at issuance. */
export function issueBillingKey({ customerUID, merchantUID, name, amount, buyer }) {
  return new Promise((resolve) => {
    if (!config.billing_pg) throw new ProviderUnavailable('billing_pg');
    sdk().request_pay({
      pg: config.billing_pg,
      pay_method: 'card',
      merchant_uid: merchantUID,
      customer_uid: customerUID,
      name,
      // Shown in the PG's window only: the function charges the first delivery.
      amount,
      currency: config.currency,
      buyer_name: buyer.name, buyer_tel: buyer.tel, buyer_email: buyer.email,
      buyer_addr: buyer.addr, buyer_postcode: buyer.postcode,
      m_redirect_url: config.certified_url
    }, (rsp) => resolve({ issued: Boolean(rsp && rsp.success), message: rsp && rsp.error_msg,
      key: { customer_uid: customerUID } }));
  });
}

/** Back on the cart from the billing window on a phone: ?merchant_uid=…&imp_success=true|false. */
export function billingKeyReturned(query) {
  const success = query.has('imp_success') ? query.get('imp_success') : query.get('success');
  if (success === null || !query.get('merchant_uid')) return null;
  return { merchantUID: query.get('merchant_uid'), issued: success === 'true', message: query.get('error_msg') };
}

/** 성인인증 in the identity provider's window (identity.pg); its imp_uid is the certification. */
export function certify({ merchantUID }) {
  return new Promise((resolve) => {
    if (!window.IMP || !window.IMP.certification || !config.identity_pg) throw new ProviderUnavailable('IMP.certification');
    sdk().certification({ pg: config.identity_pg, merchant_uid: merchantUID, m_redirect_url: config.certified_url },
      (rsp) => resolve({ success: Boolean(rsp && rsp.success), certification: rsp && rsp.imp_uid }));
  });
}

/** Back on the cart from the identity provider on a phone: ?imp_uid=…&merchant_uid=…&success=true|false. */
export function certificationReturned(query) {
  if (!query.has('success') || !query.get('merchant_uid')) return null;
  return { merchantUID: query.get('merchant_uid'), success: query.get('success') === 'true', certification: query.get('imp_uid') };
}

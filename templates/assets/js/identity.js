/*
 * 성인인증 (SPEC §6): an order with an adult-only product is paid only after the buyer's identity is verified
 * in the provider's window and the function says the buyer is an adult. A phone leaves the page for the
 * identity provider and comes back to the cart (m_redirect_url): the order being paid waits in this tab's
 * session storage meanwhile.
 */
import { findProduct } from './catalog.js';
import { postJSON, storageScope, takeSessionValue, text } from './page.js';

const pendingKey = 'gage-certifying:' + storageScope;
const buyerFields = ['buyer_name', 'buyer_tel', 'buyer_email', 'buyer_postcode', 'buyer_addr', 'buyer_addr_detail'];

/** Whether any of `items` is an adult-only product. */
export function needsAdult(catalog, items) {
  return items.some((item) => {
    const product = findProduct(catalog, item.sku);
    return Boolean(product && product.adult_only);
  });
}

function savePending(form, items, prepared, easyPay) {
  const method = form.querySelector('input[name="pay_method"]:checked');
  const buyer = {};
  buyerFields.forEach((name) => { buyer[name] = form.elements[name].value; });
  try {
    window.sessionStorage.setItem(pendingKey, JSON.stringify({
      items, prepared, buyer, pay_method: method ? method.value : null, easy_pay: easyPay || null
    }));
  } catch (error) { /* storage full or disabled: the popup flow still works */ }
}

function showStatus(status, message) {
  status.textContent = message;
  status.classList.add('is-error');   // both of its messages stop the checkout
  if (status.scrollIntoView) status.scrollIntoView({ block: 'nearest' });
}

/**
 * Verifies the buyer's identity, then `pay(checkout, done, certification)`. `checkout` is checkout.js's
 * {form, cart, items, prepared, catalog, provider}.
 */
export function certifyThenPay(checkout, done, pay) {
  const status = checkout.cart.querySelector('[data-checkout-status]');
  if (!checkout.provider.certify) { status.textContent = text.identity_failed; done(); return; }
  savePending(checkout.form, checkout.items, checkout.prepared, checkout.easyPay);
  checkout.provider.certify({ merchantUID: checkout.prepared.merchant_uid }).then(({ success, certification }) => {
    takeSessionValue(pendingKey);
    continueCertified(checkout, done, pay, success, certification);
  }, () => {
    takeSessionValue(pendingKey);
    status.textContent = text.identity_failed;
    done();
  });
}

/** Asks the function whether the certification is an adult's, so a minor is stopped before any money moves. */
function checkIdentity(provider, certification) {
  return postJSON('identity', { [provider.identityField || 'imp_uid']: certification }, false).then((response) =>
    response.json().then((body) => (response.ok && body.ok ? body.adult : null))
  ).catch(() => null);   // unknown: the function checks again when the payment arrives
}

function continueCertified(checkout, done, pay, success, certification) {
  const status = checkout.cart.querySelector('[data-checkout-status]');
  if (!success || !certification) {
    showStatus(status, text.identity_failed);
    done();
    return;
  }
  status.textContent = text.identity_checking;
  checkIdentity(checkout.provider, certification).then((adult) => {
    if (adult === false) {
      showStatus(status, text.identity_minor);
      done();
      return;
    }
    status.textContent = text.paying;
    pay(checkout, done, certification);
  });
}

/** Back on the cart from the identity provider on a phone: fills the form again and goes on to pay. */
export function resumeCertified(cart, catalog, provider, pay) {
  const returned = provider.certificationReturned && provider.certificationReturned(new URLSearchParams(window.location.search));
  if (!returned) return;
  const pending = takeSessionValue(pendingKey);
  if (!pending || !pending.prepared || pending.prepared.merchant_uid !== returned.merchantUID) return;
  window.history.replaceState(null, '', window.location.pathname);
  const form = cart.querySelector('[data-checkout-form]');
  buyerFields.forEach((name) => { if (pending.buyer && pending.buyer[name]) form.elements[name].value = pending.buyer[name]; });
  const method = pending.pay_method && form.querySelector('input[name="pay_method"][value="' + pending.pay_method + '"]');
  if (method) method.checked = true;
  const payButton = form.querySelector('[data-pay]');
  payButton.disabled = true;
  continueCertified({ form, cart, items: pending.items, prepared: pending.prepared, catalog, provider, easyPay: pending.easy_pay },
    () => { payButton.disabled = false; }, pay, returned.success, returned.certification);
}

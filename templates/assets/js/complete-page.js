/* The result page, also the providers' m_redirect_url / redirectUrl: verifies what the query names. */
import { paymentProvider } from './payment.js';
import { showResult, verifyAndShow } from './result-view.js';

export function setUpCompletePage() {
  const result = document.querySelector('[data-complete]');
  if (!result) return;
  const query = new URLSearchParams(window.location.search);
  paymentProvider().then((provider) => {
    const outcome = provider.returned(query);
    if (outcome.closed) showResult(result, { ok: false, status: 'window_closed', merchant_uid: outcome.merchant_uid }, outcome.message);
    else verifyAndShow(result, outcome.payment, 'GET', outcome.message);
  }).catch(() => showResult(result, { ok: false, status: 'network_error' }));
}

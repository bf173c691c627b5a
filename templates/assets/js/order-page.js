/*
 * The order page around a payment's result: a heading saying where the order stands (주문 완료 / 입금 대기 /
 * 결제 실패), what happens next (배송 안내; the deposit's deadline with a copy button for the account), that a
 * confirmation mail went to the address given, and where to go from here (주문조회 with the number filled in,
 * 쇼핑 계속하기). Used by the result page and by the cart page when the popup's result is shown in place.
 */
import { config, element, text } from './page.js';

const emailKey = 'gage-order-email';

/** Remembers, for this tab, the e-mail the order `merchantUID` was placed with (the redirect page reads it). */
export function rememberOrderEmail(merchantUID, email) {
  try {
    if (email) window.sessionStorage.setItem(emailKey, JSON.stringify({ merchant_uid: merchantUID, email }));
  } catch (error) { /* private mode: the page just does not mention the mail */ }
}

/** The e-mail this tab placed the order `merchantUID` with, or null. */
export function orderEmail(merchantUID) {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(emailKey) || 'null');
    return saved && merchantUID && saved.merchant_uid === merchantUID ? saved.email : null;
  } catch (error) { return null; }
}

const headings = {
  paid: 'heading_paid', subscribed: 'heading_subscribed', awaiting_deposit: 'heading_awaiting_deposit',
  failed: 'heading_failed', rejected: 'heading_failed', cancelled: 'heading_failed', unpaid: 'heading_failed',
  window_closed: 'heading_failed', card_not_registered: 'heading_failed'
};
const settled = ['paid', 'subscribed', 'awaiting_deposit'];

/**
 * Sets the page's heading (`[data-result-heading]`) for `status`. The cart page keeps 장바구니 unless the order
 * went through: a buyer whose payment did not is still in the cart, to try again.
 */
export function showResultHeading(status) {
  const heading = document.querySelector('[data-result-heading]');
  if (!heading) return;
  if (!heading.hasAttribute('data-heading')) heading.setAttribute('data-heading', heading.textContent);
  const inCart = heading.hasAttribute('data-in-cart');
  const key = inCart && settled.indexOf(status) < 0 ? null : headings[status];
  const title = key && text[key] ? text[key] : heading.getAttribute('data-heading');
  if (heading.textContent !== title) {
    heading.textContent = title;
    const shop = document.title.indexOf(' | ');
    if (shop >= 0) document.title = title + document.title.slice(shop);
  }
}

function copyButton(value) {
  const button = element('button', { type: 'button', class: 'button copy-button', 'data-copy': value,
    'aria-label': text.copy_account + ': ' + value, text: text.copy });
  const said = element('span', { class: 'copy-status', role: 'status' });
  button.addEventListener('click', () => {
    const done = () => { said.textContent = text.copied; };
    const fallback = () => {
      // Without the Clipboard API (an older browser, or no permission): a selected, hidden text field.
      const field = element('textarea', { readonly: '', class: 'visually-hidden', 'aria-hidden': 'true' });
      field.value = value;
      document.body.appendChild(field);
      field.select();
      const copied = document.execCommand && document.execCommand('copy');
      field.remove();
      said.textContent = copied ? text.copied : text.copy_failed;
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(value).then(done, fallback);
    else fallback();
  });
  return element('p', { class: 'copy-row' }, [button, said]);
}

/** What happens next for an order that went through, and the ways on: appended to the result `result`. */
export function appendOrderNext(result, answer) {
  const status = answer.status;
  const number = answer.merchant_uid;
  if (status === 'awaiting_deposit' && answer.vbank && answer.vbank.number) {
    // Right under the account's rows, where the buyer reads the number.
    const details = result.querySelector('.result-details');
    const row = copyButton(answer.vbank.number);
    if (details) details.after(row); else result.appendChild(row);
  }
  if (settled.indexOf(status) >= 0) {
    const next = element('section', { class: 'order-next', 'aria-labelledby': 'order-next-title' }, [
      element('h2', { id: 'order-next-title', text: text.next_title }),
      element('p', { 'data-next-step': '', text: status === 'awaiting_deposit' ? text.next_deposit : text.next_shipping })
    ]);
    // Said only when the function says it mails this buyer (a shop without e-mail set up sends none).
    const email = orderEmail(number);
    if (email && answer.mailed) next.appendChild(element('p', { 'data-mail-sent': '', text: String(text.mail_sent).replace('{email}', email) }));
    result.appendChild(next);
  }
  const links = [];
  if (number && config.lookup_url && status !== 'window_closed') {
    links.push(element('a', { class: 'button', 'data-order-lookup-link': '',
      href: config.lookup_url + '?order=' + encodeURIComponent(number), text: text.order_lookup }));
  }
  if (settled.indexOf(status) >= 0 || !document.querySelector('[data-checkout-form]')) {
    links.push(element('a', { class: 'button primary', 'data-continue-shopping': '', href: config.base_path || '/',
      text: text.continue_shopping }));
  }
  if (links.length) result.appendChild(element('p', { class: 'order-links' }, links));
}

/*
 * The checkout form's buyer fields: checked when the form is sent, and from then on as the buyer types, so an
 * error shows while it is one and clears as soon as the field is fixed.
 */
import { text } from './page.js';

const fieldChecks = {
  buyer_name: (value) => value.trim().length > 0 && value.trim().length <= 40,
  buyer_tel: (value) => /^01[016789]-?\d{3,4}-?\d{4}$/.test(value.trim()),
  buyer_email: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()),
  buyer_postcode: (value) => /^\d{5}$/.test(value.trim()),
  buyer_addr: (value) => value.trim().length > 0
};
const fieldMessages = {
  buyer_name: 'error_name', buyer_tel: 'error_tel', buyer_email: 'error_email',
  buyer_postcode: 'error_postcode', buyer_addr: 'error_addr'
};

function showFieldError(input, errorID, message) {
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  document.getElementById(errorID).textContent = message || '';
}

/** Checks field `name` (or the 결제 동의 box, `agree`) and shows or clears its error; true when it is fine. */
function checkField(form, name) {
  if (name === 'agree') {
    const agree = form.elements.agree;
    showFieldError(agree, 'agree-error', agree.checked ? '' : text.error_agree);
    return agree.checked;
  }
  const input = form.elements[name];
  const ok = fieldChecks[name](input.value);
  showFieldError(input, name + '-error', ok ? '' : text[fieldMessages[name]]);
  return ok;
}

const checkedNames = Object.keys(fieldChecks).concat('agree');

/** Checks every field, shows each error, focuses the first wrong one; from now on each field is checked as it changes. */
export function validateBuyer(form) {
  let firstInvalid = null;
  checkedNames.forEach((name) => {
    if (!checkField(form, name) && !firstInvalid) firstInvalid = form.elements[name];
  });
  watchBuyerFields(form);
  if (firstInvalid) firstInvalid.focus();
  return !firstInvalid;
}

function watchBuyerFields(form) {
  if (form.hasAttribute('data-checked')) return;
  form.setAttribute('data-checked', '');
  const status = form.querySelector('[data-checkout-status]');
  checkedNames.forEach((name) => {
    const input = form.elements[name];
    // `input` as keys are typed; `change` for the checkbox and for values put in by autofill or address search.
    const recheck = () => {
      checkField(form, name);
      if (status && status.textContent === text.error_form && !form.querySelector('[aria-invalid="true"]')) {
        status.textContent = '';
        status.classList.remove('is-error');
      }
    };
    input.addEventListener('input', recheck);
    input.addEventListener('change', recheck);
  });
}

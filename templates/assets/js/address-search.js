/* Address search (Kakao/Daum 우편번호 서비스) on the checkout form: fills 우편번호 and 주소, the buyer types 상세주소. */
import { config, text } from './page.js';

let postcodePromise = null;
/** Loads the postcode script once, when first needed; rejects if it cannot load within a few seconds. */
function loadPostcode() {
  if (window.daum && window.daum.Postcode) return Promise.resolve(window.daum);
  if (!postcodePromise) {
    postcodePromise = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      const timer = setTimeout(() => reject(new Error('postcode timeout')), 8000);
      script.src = config.postcode_url;
      script.async = true;
      script.onload = () => {
        clearTimeout(timer);
        if (window.daum && window.daum.Postcode) resolve(window.daum); else reject(new Error('postcode missing'));
      };
      script.onerror = () => { clearTimeout(timer); reject(new Error('postcode unavailable')); };
      document.head.appendChild(script);
    }).catch((error) => { postcodePromise = null; throw error; });
  }
  return postcodePromise;
}

/** The address as the postcode service's own sample composes it: road address plus (동, 아파트 이름). */
export function addressFrom(data) {
  if (data.userSelectedType === 'J') return data.jibunAddress || data.address;
  const extra = [];
  if (data.bname && /[동로가]$/.test(data.bname)) extra.push(data.bname);
  if (data.buildingName && data.apartment === 'Y') extra.push(data.buildingName);
  const road = data.roadAddress || data.address;
  return extra.length ? road + ' (' + extra.join(', ') + ')' : road;
}

export function setUpAddressSearch(form) {
  const button = form.querySelector('[data-address-search]');
  const status = form.querySelector('[data-address-status]');
  if (!button) return;
  if (!config.postcode_url) { button.hidden = true; return; }
  button.addEventListener('click', () => {
    status.textContent = '';
    loadPostcode().then((daum) => {
      new daum.Postcode({
        oncomplete(data) {
          form.elements.buyer_postcode.value = data.zonecode || '';
          form.elements.buyer_addr.value = addressFrom(data);
          ['buyer_postcode', 'buyer_addr'].forEach((name) => {
            form.elements[name].setAttribute('aria-invalid', 'false');
            document.getElementById(name + '-error').textContent = '';
          });
          // The cart adds a 제주/도서산간 surcharge as soon as it knows the postcode.
          form.elements.buyer_postcode.dispatchEvent(new Event('change', { bubbles: true }));
          form.elements.buyer_addr_detail.focus();
        }
      }).open();
    }).catch(() => {
      // No address service (offline, blocked): the fields are ordinary inputs, so the buyer types them.
      status.textContent = text.address_search_failed;
      form.elements.buyer_postcode.focus();
    });
  });
}

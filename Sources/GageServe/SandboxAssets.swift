/// What `gage serve --sandbox` serves in place of PortOne's CDN scripts (V1 and V2) and console.
enum SandboxAssets {
    /// What every stand-in window script starts with: small DOM helpers and the labelled test window.
    static let windowKit = #"""
  function money(amount) { return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '원'; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  /** The clearly labelled test window every stand-in opens: a modal box with its label, title and the
   *  "mobile" checkbox that makes the result go to the redirect URL (named `redirectName`) instead of back to the
   *  page's script; `forceRedirect` when the page gave no callback. */
  function testWindow(boxTag, label, title, forceRedirect, redirectName) {
    var backdrop = el('div', { id: 'imp-sandbox', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'imp-sandbox-title' });
    backdrop.style.cssText = 'position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.55);display:flex;' +
      'align-items:center;justify-content:center;padding:1rem;font-family:system-ui,sans-serif';
    var box = el(boxTag);
    box.style.cssText = 'background:#fff;color:#1d1d1f;border-radius:12px;max-width:26rem;width:100%;padding:1.25rem 1.25rem 1rem;' +
      'box-shadow:0 10px 40px rgba(0,0,0,.3);border-top:8px solid #f2b705';
    var redirectBox = el('input', { type: 'checkbox', id: 'imp-sandbox-redirect' });
    if (forceRedirect) { redirectBox.checked = true; redirectBox.disabled = true; }
    box.appendChild(el('p', { text: label }));
    box.lastChild.style.cssText = 'margin:0 0 .25rem;font-size:.8rem;font-weight:800;letter-spacing:.08em;color:#9a6b00';
    box.appendChild(el('h2', { id: 'imp-sandbox-title', text: title }));
    box.lastChild.style.cssText = 'margin:0 0 .5rem;font-size:1.2rem';
    backdrop.appendChild(box);
    return { backdrop: backdrop, box: box, redirectBox: redirectBox,
      redirectLabel: el('label', {}, [redirectBox, document.createTextNode(' 모바일 방식으로 (' + redirectName + '로 이동)')]) };
  }

  function button(action, label, primary, type) {
    var b = el('button', { type: type || 'button', 'data-sandbox-action': action, text: label });
    b.style.cssText = 'font:inherit;font-weight:700;padding:.7rem;border-radius:8px;cursor:pointer;border:1px solid #1d1d1f;' +
      (primary ? 'background:#1d1d1f;color:#fff' : 'background:#fff;color:#1d1d1f');
    return b;
  }

"""#

    /// A stand-in for `https://cdn.iamport.kr/v1/iamport.js`: `IMP.init`, `IMP.request_pay` and
    /// `IMP.certification` with the real parameters, clearly labelled test windows (the identity one asks for a
    /// birth date), and both result flows (callback and `m_redirect_url`, whose flag is `imp_success` for a
    /// payment and `success` for a certification, as on Iamport). Payments and certifications are created in
    /// the local Iamport stand-in, so the verify function finds them. With `customer_uid` the window registers a
    /// card instead (a billing key in the stand-in, no charge), as a billing PG's window does.
    static let sdkScript = "(function () {\n  'use strict';\n" + windowKit + #"""
  var API = '/__iamport/__sandbox';
  var merchantCode = null;

  function createPayment(params, status, method) {
    var body = {
      merchant_uid: params.merchant_uid, amount: params.amount, status: status, pay_method: method,
      pg: params.pg || null, vbank_due: params.vbank_due || null, escrow: params.escrow === true,
      currency: params.currency || 'KRW', name: params.name, custom_data: params.custom_data === undefined ? null : params.custom_data,
      buyer_name: params.buyer_name, buyer_email: params.buyer_email, buyer_tel: params.buyer_tel,
      buyer_addr: params.buyer_addr, buyer_postcode: params.buyer_postcode
    };
    return fetch(API + '/payments', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error('sandbox ' + r.status); return r.json(); });
  }

  function finish(params, callback, redirect, rsp, successName) {
    if (redirect || typeof callback !== 'function') {
      var url = new URL(params.m_redirect_url || '/', location.href);
      if (rsp.imp_uid) url.searchParams.set('imp_uid', rsp.imp_uid);
      url.searchParams.set('merchant_uid', params.merchant_uid);
      url.searchParams.set(successName || 'imp_success', rsp.success ? 'true' : 'false');
      if (!rsp.success) {
        url.searchParams.set('error_code', rsp.error_code || '');
        url.searchParams.set('error_msg', rsp.error_msg || '');
      }
      location.href = url.toString();
    } else {
      callback(rsp);
    }
  }

  /** A billing key issued in the stand-in under the page's customer_uid (no approval, as on most PGs). */
  function issueKey(params) {
    var body = { customer_uid: params.customer_uid, pg: params.pg || null, customer_name: params.buyer_name || null,
      customer_tel: params.buyer_tel || null, customer_email: params.buyer_email || null };
    return fetch(API + '/customers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error('sandbox ' + r.status); return r.json(); });
  }

  function openWindow(params, callback) {
    // With customer_uid the PG's window registers a card for later charges (a billing key) instead of paying.
    var billing = typeof params.customer_uid === 'string' && params.customer_uid !== '';
    var brands = { kakaopay: '카카오페이', naverpay: '네이버페이', tosspay: '토스페이' };
    var brand = brands[String(params.pg || '').split('.')[0]];
    var shell = testWindow('div', billing ? 'TEST · 테스트 카드 등록' : 'TEST · ' + (brand ? brand + ' ' : '') + '테스트 결제창',
      billing ? 'Gage 정기결제 카드 등록 샌드박스' : 'Gage 결제 샌드박스', typeof callback !== 'function', 'm_redirect_url');
    var backdrop = shell.backdrop, box = shell.box, redirectBox = shell.redirectBox;
    var actions = el('div', {}, billing ? [
      button('register', '카드 등록 (테스트)', true),
      button('fail', '카드 등록 실패'),
      button('close', '창 닫기')
    ] : [
      button('approve', '결제 승인 (테스트)', true),
      params.pay_method === 'vbank' ? button('vbank', '가상계좌 발급', true) : null,
      button('fail', '결제 실패'),
      button('close', '창 닫기')
    ]);
    actions.style.cssText = 'display:grid;gap:.5rem;margin-top:1rem';
    box.appendChild(el('p', { text: billing
      ? '정기결제에 쓸 카드를 등록합니다(빌링키 발급). 등록할 때는 결제되지 않습니다. 결과를 골라 주세요.'
      : '실제로 돈이 나가지 않는 테스트 결제입니다. 결과를 골라 주세요.' }));
    box.appendChild(el('dl', {}, [
      el('dt', { text: '주문' }), el('dd', { text: params.name || '' }),
      el('dt', { text: '금액' }), el('dd', { 'data-sandbox-amount': '', text: money(params.amount) }),
      el('dt', { text: '결제 수단' }), el('dd', { 'data-sandbox-method': '', text: params.pay_method + ' · ' + (params.pg || '') }),
      // 네이버페이's review needs the product list: shown so a tester sees it went along.
      Array.isArray(params.naverProducts) ? el('dt', { text: 'naverProducts' }) : null,
      Array.isArray(params.naverProducts) ? el('dd', { 'data-sandbox-naver-products': '', text: params.naverProducts.map(function (p) {
        return p.name + ' × ' + p.count; }).join(', ') }) : null,
      el('dt', { text: '가맹점' }), el('dd', { text: merchantCode })
    ]));
    box.appendChild(shell.redirectLabel);
    box.appendChild(actions);
    document.body.appendChild(backdrop);
    actions.firstChild.focus();

    function close() { backdrop.remove(); }
    actions.addEventListener('click', function (event) {
      var action = event.target.getAttribute('data-sandbox-action');
      if (!action) return;
      var redirect = redirectBox.checked;
      Array.prototype.forEach.call(actions.querySelectorAll('button'), function (b) { b.disabled = true; });
      if (action === 'close') {
        close();
        finish(params, callback, redirect, { success: false, imp_uid: null, merchant_uid: params.merchant_uid,
          error_code: 'F1001', error_msg: '사용자가 결제를 취소하셨습니다' });
        return;
      }
      if (billing) {
        var issued = action === 'register' ? issueKey(params) : Promise.resolve(null);
        issued.then(function (customer) {
          close();
          finish(params, callback, redirect, customer
            ? { success: true, imp_uid: null, merchant_uid: params.merchant_uid, customer_uid: customer.customer_uid,
                pg_provider: customer.pg_provider, card_name: customer.card_name }
            : { success: false, imp_uid: null, merchant_uid: params.merchant_uid, error_code: 'F400',
                error_msg: '[테스트] 카드 등록이 거절되었습니다.' });
        }).catch(function (error) {
          close();
          finish(params, callback, redirect, { success: false, imp_uid: null, merchant_uid: params.merchant_uid,
            error_code: 'F500', error_msg: String(error) });
        });
        return;
      }
      var status = action === 'approve' ? 'paid' : action === 'vbank' ? 'ready' : 'failed';
      var method = action === 'vbank' ? 'vbank' : (params.pay_method === 'vbank' ? 'card' : params.pay_method);
      createPayment(params, status, method).then(function (payment) {
        close();
        var rsp = { success: status !== 'failed', imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid,
          pay_method: payment.pay_method, paid_amount: payment.amount, status: payment.status, name: payment.name,
          pg_provider: payment.pg_provider, currency: payment.currency, custom_data: payment.custom_data,
          paid_at: payment.paid_at, receipt_url: payment.receipt_url };
        if (status === 'failed') { rsp.error_code = 'F400'; rsp.error_msg = '[테스트] 카드 승인이 거절되었습니다.'; }
        if (status === 'ready') {
          rsp.vbank_num = payment.vbank_num; rsp.vbank_name = payment.vbank_name;
          rsp.vbank_holder = payment.vbank_holder; rsp.vbank_date = payment.vbank_date;
        }
        finish(params, callback, redirect, rsp);
      }).catch(function (error) {
        close();
        finish(params, callback, redirect, { success: false, imp_uid: null, merchant_uid: params.merchant_uid,
          error_code: 'F500', error_msg: String(error) });
      });
    });
  }

  function openIdentityWindow(params, callback) {
    var shell = testWindow('form', 'TEST · 테스트 본인인증', 'Gage 본인인증 샌드박스', typeof callback !== 'function',
      'm_redirect_url');
    var backdrop = shell.backdrop, box = shell.box, redirectBox = shell.redirectBox;
    var birthday = el('input', { type: 'date', id: 'imp-sandbox-birthday', name: 'birthday', required: 'required' });
    var confirm = button('certify', '본인인증 완료 (테스트)', true, 'submit');
    var cancel = button('close', '창 닫기', false);
    box.appendChild(el('p', { text: '실제 인증은 하지 않습니다. 확인할 생년월일을 입력해 주세요. (' + (params.pg || '') + ')' }));
    box.appendChild(el('label', { for: 'imp-sandbox-birthday', text: '생년월일 ' }, [birthday]));
    box.appendChild(el('p', {}, [shell.redirectLabel]));
    var actions = el('div', {}, [confirm, cancel]);
    actions.style.cssText = 'display:grid;gap:.5rem;margin-top:1rem';
    box.appendChild(actions);
    document.body.appendChild(backdrop);
    birthday.focus();

    function close() { backdrop.remove(); }
    cancel.addEventListener('click', function () {
      close();
      finish(params, callback, redirectBox.checked, { success: false, imp_uid: null, merchant_uid: params.merchant_uid,
        error_code: 'F1001', error_msg: '사용자가 본인인증을 취소하셨습니다' }, 'success');
    });
    box.addEventListener('submit', function (event) {
      event.preventDefault();
      confirm.disabled = cancel.disabled = true;
      var redirect = redirectBox.checked;
      fetch(API + '/certifications', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ merchant_uid: params.merchant_uid || null, birthday: birthday.value, pg: params.pg || null })
      }).then(function (r) { if (!r.ok) throw new Error('sandbox ' + r.status); return r.json(); }).then(function (cert) {
        close();
        finish(params, callback, redirect, { success: true, imp_uid: cert.imp_uid, merchant_uid: params.merchant_uid,
          pg_provider: cert.pg_provider }, 'success');
      }).catch(function (error) {
        close();
        finish(params, callback, redirect, { success: false, imp_uid: null, merchant_uid: params.merchant_uid,
          error_code: 'F500', error_msg: String(error) }, 'success');
      });
    });
  }

  window.IMP = {
    init: function (code) { merchantCode = code; },
    certification: function (params, callback) {
      if (!merchantCode) throw new Error('IMP.init(merchant code) must be called first');
      openIdentityWindow(params || {}, callback);
    },
    request_pay: function (params, callback) {
      if (!merchantCode) throw new Error('IMP.init(merchant code) must be called first');
      if (typeof params.amount !== 'number') throw new Error('amount must be a number');
      if (params.customer_uid && params.pay_method !== 'card') throw new Error("customer_uid: pay_method는 'card'만 지원됩니다");
      // A pre-registered amount (POST /payments/prepare) that differs blocks the window, as on Iamport.
      fetch(API + '/prepared/' + encodeURIComponent(params.merchant_uid)).then(function (r) {
        return r.ok ? r.json() : null;
      }).catch(function () { return null; }).then(function (prepared) {
        if (prepared && Number(prepared.amount) !== params.amount) {
          finish(params, callback, false, { success: false, imp_uid: null, merchant_uid: params.merchant_uid,
            error_code: 'F0005', error_msg: '사전 등록된 결제 금액과 요청 금액이 다릅니다.' });
          return;
        }
        openWindow(params, callback);
      });
    }
  };
})();
"""#

    /// A stand-in for PortOne's V2 browser SDK (`https://cdn.portone.io/v2/browser-sdk.js`):
    /// `PortOne.requestPayment(request)` with the real request fields, the same labelled test window, and both
    /// result flows: the promise's `{paymentId, txId, transactionType}` (with `code` and `message` on failure) and,
    /// with the "mobile" box ticked, a redirect to `redirectUrl?paymentId=…&transactionType=PAYMENT[&code&message]`.
    /// Payments are created in the local V2 stand-in under the page's store, channel key and paymentId. With a
    /// `confirmUrl`, approval goes through `gage serve`, which sends the function PortOne's signed
    /// `Transaction.Confirm` first and approves only what it accepts. `PortOne.requestIssueBillingKey` and
    /// `PortOne.requestIdentityVerification` open their own test windows and issue the key / record the verification
    /// in the stand-in, with the same two result flows.
    static let portOneScript = "(function () {\n  'use strict';\n" + windowKit + #"""
  var API = '/__portone/__sandbox';
  var methodNames = { CARD: '카드', TRANSFER: '계좌이체', VIRTUAL_ACCOUNT: '가상계좌', MOBILE: '휴대폰', EASY_PAY: '간편결제' };

  function post(url, body) {
    return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) })
      .then(function (r) {
        return r.json().then(function (answer) {
          if (!r.ok && !answer.payment) throw new Error(answer.message || answer.error || 'sandbox ' + r.status);
          return answer;
        });
      });
  }

  function createPayment(request, status, method) {
    var customer = request.customer || {};
    var address = customer.address || {};
    var body = {
      id: request.paymentId, amount: request.totalAmount, tax_free: request.taxFreeAmount || 0, status: status, method: method,
      store_id: request.storeId, channel_key: request.channelKey, order_name: request.orderName,
      easy_pay_provider: method === 'EASY_PAY' ? (request.easyPay || {}).easyPayProvider || null : null,
      currency: String(request.currency).replace(/^CURRENCY_/, ''),
      custom_data: request.customData === undefined ? null : request.customData,
      customer: {
        name: customer.fullName || [customer.lastName, customer.firstName].filter(Boolean).join('') || undefined,
        email: customer.email || undefined, phone: customer.phoneNumber || undefined,
        address: [address.addressLine1, address.addressLine2].filter(Boolean).join(' ') || undefined,
        zipcode: customer.zipcode || undefined
      }
    };
    if (method === 'VIRTUAL_ACCOUNT') {
      var expiry = (request.virtualAccount || {}).accountExpiry || {};
      var due = expiry.dueDate ? Date.parse(expiry.dueDate) : Date.now() + (expiry.validHours || 72) * 3600 * 1000;
      body.vbank_due = Math.floor(due / 1000);
    }
    return post(API + '/payments', body);
  }

  /** The result, as the real SDK gives it: the promise in a window, a redirect on a phone. */
  function settle(request, resolve, redirect, response) {
    response.paymentId = request.paymentId;
    response.transactionType = 'PAYMENT';
    if (!redirect) { resolve(response); return; }
    var url = new URL(request.redirectUrl, location.href);
    url.searchParams.set('paymentId', request.paymentId);
    url.searchParams.set('transactionType', 'PAYMENT');
    if (response.txId) url.searchParams.set('txId', response.txId);
    if (response.code) {
      url.searchParams.set('code', response.code);
      url.searchParams.set('message', response.message || '');
    }
    location.href = url.toString();
  }

  function failure(message, pgCode) {
    return { code: 'FAILURE_TYPE_PG', message: message, pgCode: pgCode || 'F400', pgMessage: message };
  }

  function openWindow(request, resolve) {
    var virtualAccount = request.payMethod === 'VIRTUAL_ACCOUNT';
    var shell = testWindow('div', 'TEST · 테스트 결제창', 'Gage 결제 샌드박스 (PortOne V2)', false, 'redirectUrl');
    var backdrop = shell.backdrop, box = shell.box, redirectBox = shell.redirectBox;
    if (!request.redirectUrl) { redirectBox.disabled = true; }
    var actions = el('div', {}, [
      virtualAccount ? button('vbank', '가상계좌 발급', true) : button('approve', '결제 승인 (테스트)', true),
      button('fail', '결제 실패'),
      button('close', '창 닫기')
    ]);
    actions.style.cssText = 'display:grid;gap:.5rem;margin-top:1rem';
    box.appendChild(el('p', { text: '실제로 돈이 나가지 않는 테스트 결제입니다. 결과를 골라 주세요.' }));
    box.appendChild(el('dl', {}, [
      el('dt', { text: '주문' }), el('dd', { text: request.orderName || '' }),
      el('dt', { text: '금액' }), el('dd', { 'data-sandbox-amount': '', text: money(request.totalAmount) }),
      el('dt', { text: '결제 수단' }), el('dd', { 'data-sandbox-method': '', text: (methodNames[request.payMethod] || request.payMethod)
        + (request.easyPay && request.easyPay.easyPayProvider ? ' (' + request.easyPay.easyPayProvider + ')' : '') + ' · ' + request.channelKey }),
      el('dt', { text: '상점' }), el('dd', { text: request.storeId })
    ]));
    box.appendChild(shell.redirectLabel);
    box.appendChild(actions);
    document.body.appendChild(backdrop);
    actions.firstChild.focus();

    function done(response) { backdrop.remove(); settle(request, resolve, redirectBox.checked, response); }
    actions.addEventListener('click', function (event) {
      var action = event.target.getAttribute('data-sandbox-action');
      if (!action) return;
      Array.prototype.forEach.call(actions.querySelectorAll('button'), function (b) { b.disabled = true; });
      if (action === 'close') {
        done(failure('[PAY_PROCESS_CANCELED] 사용자가 결제를 취소하였습니다', 'PAY_PROCESS_CANCELED'));
        return;
      }
      var status = action === 'fail' ? 'FAILED' : action === 'vbank' ? 'VIRTUAL_ACCOUNT_ISSUED' : 'PAY_PENDING';
      createPayment(request, status, request.payMethod).then(function (payment) {
        if (payment.status === 'FAILED' && action !== 'fail') {
          // The stand-in refused an amount other than the pre-registered one, as PortOne does.
          return { payment: payment, message: '사전 등록된 결제 금액과 요청 금액이 다릅니다.' };
        }
        if (status !== 'PAY_PENDING') return { payment: payment };
        return post('/__gage/sandbox/portone/approve/' + encodeURIComponent(request.paymentId), { confirm: !!request.confirmUrl })
          .then(function (answer) {
            return { payment: answer.payment, message: answer.confirm && answer.confirm.errorMessage };
          });
      }).then(function (outcome) {
        var payment = outcome.payment || {};
        if (payment.status === 'FAILED') {
          done(Object.assign({ txId: payment.transactionId },
            failure(outcome.message || (payment.failure || {}).reason || '[테스트] 카드 승인이 거절되었습니다.')));
        } else {
          done({ txId: payment.transactionId });
        }
      }).catch(function (error) { done(failure(String(error), 'F500')); });
    });
  }

  function requestPayment(request) {
    return new Promise(function (resolve, reject) {
      request = request || {};
      var missing = ['storeId', 'channelKey', 'paymentId', 'orderName', 'totalAmount', 'currency', 'payMethod']
        .filter(function (name) { return request[name] === undefined || request[name] === null || request[name] === ''; });
      if (missing.length) { reject(new Error('PortOne.requestPayment: ' + missing.join(', ') + ' is required')); return; }
      if (typeof request.totalAmount !== 'number') { reject(new Error('totalAmount must be a number')); return; }
      openWindow(request, resolve);
    });
  }

  /** The redirect a phone takes after a billing-key or identity window, as the real SDK makes it. */
  function redirectTo(url, fields) {
    var target = new URL(url, location.href);
    Object.keys(fields).forEach(function (name) {
      if (fields[name] !== undefined && fields[name] !== null) target.searchParams.set(name, fields[name]);
    });
    location.href = target.toString();
  }

  function missingFields(request, names) {
    return names.filter(function (name) { return request[name] === undefined || request[name] === null || request[name] === ''; });
  }

  /** `PortOne.requestIssueBillingKey`: a card registered in the test window becomes a billing key of the page's store
   *  and channel in the stand-in; the result is `{transactionType: 'ISSUE_BILLING_KEY', billingKey}` (with `code`
   *  and `message` when it was not issued), or the same fields on `redirectUrl`. */
  function requestIssueBillingKey(request) {
    return new Promise(function (resolve, reject) {
      request = request || {};
      var missing = missingFields(request, ['storeId', 'channelKey', 'billingKeyMethod']);
      if (missing.length) { reject(new Error('PortOne.requestIssueBillingKey: ' + missing.join(', ') + ' is required')); return; }
      var shell = testWindow('div', 'TEST · 테스트 카드 등록', 'Gage 정기결제 카드 등록 (PortOne V2)', false, 'redirectUrl');
      var backdrop = shell.backdrop, box = shell.box, redirectBox = shell.redirectBox;
      if (!request.redirectUrl) { redirectBox.disabled = true; }
      var actions = el('div', {}, [button('register', '카드 등록 (테스트)', true), button('fail', '등록 실패'), button('close', '창 닫기')]);
      actions.style.cssText = 'display:grid;gap:.5rem;margin-top:1rem';
      box.appendChild(el('p', { text: '실제 카드는 등록되지 않습니다. 정기결제에 쓸 테스트 빌링키를 발급합니다.' }));
      box.appendChild(el('dl', {}, [
        el('dt', { text: '이름' }), el('dd', { text: request.issueName || '' }),
        el('dt', { text: '채널' }), el('dd', { text: request.billingKeyMethod + ' · ' + request.channelKey }),
        el('dt', { text: '상점' }), el('dd', { text: request.storeId })
      ]));
      box.appendChild(shell.redirectLabel);
      box.appendChild(actions);
      document.body.appendChild(backdrop);
      actions.firstChild.focus();

      function done(response) {
        backdrop.remove();
        response.transactionType = 'ISSUE_BILLING_KEY';
        if (redirectBox.checked) { redirectTo(request.redirectUrl, response); return; }
        resolve(response);
      }
      actions.addEventListener('click', function (event) {
        var action = event.target.getAttribute('data-sandbox-action');
        if (!action) return;
        Array.prototype.forEach.call(actions.querySelectorAll('button'), function (b) { b.disabled = true; });
        if (action === 'close') { done({ code: 'FAILURE_TYPE_PG', message: '[ISSUE_CANCELED] 사용자가 카드 등록을 취소하였습니다' }); return; }
        if (action === 'fail') { done({ code: 'FAILURE_TYPE_PG', message: '[테스트] 카드 등록이 거절되었습니다.' }); return; }
        var customer = request.customer || {};
        post(API + '/billing-keys', { store_id: request.storeId, channel_key: request.channelKey,
                                      customer_id: customer.customerId || undefined })
          .then(function (key) { done({ billingKey: key.billingKey }); })
          .catch(function (error) { done({ code: 'FAILURE_TYPE_PG', message: String(error) }); });
      });
    });
  }

  /** `PortOne.requestIdentityVerification`: the test window asks for a birth date and records a verified identity
   *  under the page's `identityVerificationId`; the result is `{transactionType: 'IDENTITY_VERIFICATION',
   *  identityVerificationId, identityVerificationTxId}` (with `code` and `message` when it was left), or the same
   *  fields on `redirectUrl`. */
  function requestIdentityVerification(request) {
    return new Promise(function (resolve, reject) {
      request = request || {};
      var missing = missingFields(request, ['storeId', 'identityVerificationId', 'channelKey']);
      if (missing.length) { reject(new Error('PortOne.requestIdentityVerification: ' + missing.join(', ') + ' is required')); return; }
      var shell = testWindow('form', 'TEST · 테스트 본인인증', 'Gage 본인인증 샌드박스 (PortOne V2)', false, 'redirectUrl');
      var backdrop = shell.backdrop, box = shell.box, redirectBox = shell.redirectBox;
      if (!request.redirectUrl) { redirectBox.disabled = true; }
      var birthday = el('input', { type: 'date', id: 'imp-sandbox-birthday', name: 'birthday', required: 'required' });
      var confirm = button('certify', '본인인증 완료 (테스트)', true, 'submit');
      var cancel = button('close', '창 닫기', false);
      box.appendChild(el('p', { text: '실제 인증은 하지 않습니다. 확인할 생년월일을 입력해 주세요. (' + request.channelKey + ')' }));
      box.appendChild(el('label', { for: 'imp-sandbox-birthday', text: '생년월일 ' }, [birthday]));
      box.appendChild(el('p', {}, [shell.redirectLabel]));
      var actions = el('div', {}, [confirm, cancel]);
      actions.style.cssText = 'display:grid;gap:.5rem;margin-top:1rem';
      box.appendChild(actions);
      document.body.appendChild(backdrop);
      birthday.focus();

      function done(response) {
        backdrop.remove();
        response.transactionType = 'IDENTITY_VERIFICATION';
        response.identityVerificationId = request.identityVerificationId;
        if (redirectBox.checked) { redirectTo(request.redirectUrl, response); return; }
        resolve(response);
      }
      cancel.addEventListener('click', function () {
        done({ code: 'FAILURE_TYPE_PG', message: '[IDENTITY_VERIFICATION_CANCELED] 사용자가 본인인증을 취소하셨습니다' });
      });
      box.addEventListener('submit', function (event) {
        event.preventDefault();
        confirm.disabled = cancel.disabled = true;
        post(API + '/identity-verifications', { id: request.identityVerificationId, birth_date: birthday.value,
                                                channel_key: request.channelKey })
          .then(function (verification) { done({ identityVerificationTxId: verification.pgTxId }); })
          .catch(function (error) { done({ code: 'FAILURE_TYPE_PG', message: String(error) }); });
      });
    });
  }

  window.PortOne = { requestPayment: requestPayment, requestIssueBillingKey: requestIssueBillingKey,
                     requestIdentityVerification: requestIdentityVerification };
})();
"""#

    /// The sandbox console: payments (V1 and V2) and their states, deposits into issued virtual accounts (each
    /// sends the provider's webhook to the verify function, signed for V2), and scheduled subscription charges
    /// run now.
    static let controlPage = #"""
<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gage 결제 샌드박스</title>
<style>
  body { font-family: system-ui, "Noto Sans KR", sans-serif; margin: 0; color: #1d1d1f; }
  header { background: #f2b705; padding: 1rem 1.5rem; }
  header p { margin: .25rem 0 0; }
  main { padding: 1rem 1.5rem; }
  table { border-collapse: collapse; width: 100%; font-size: .95rem; }
  th, td { border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; }
  td.amount { text-align: right; font-variant-numeric: tabular-nums; }
  button { font: inherit; font-weight: 700; padding: .35rem .8rem; border-radius: 6px; border: 1px solid #1d1d1f; background: #1d1d1f; color: #fff; cursor: pointer; }
  #result { white-space: pre-wrap; background: #f6f6f4; padding: .75rem; border-radius: 8px; min-height: 1.5rem; }
</style>
</head>
<body>
<header>
  <h1>Gage 결제 샌드박스</h1>
  <p>테스트 결제만 있습니다. 실제 돈은 오가지 않습니다. <a href="/">가게로 돌아가기</a> · <a href="/__sandbox/mail">보낼 메일 보기</a></p>
</header>
<main>
  <h2>결제 목록</h2>
  <table>
    <thead><tr><th scope="col">결제 ID (imp_uid / paymentId)</th><th scope="col">주문번호</th><th scope="col">주문</th><th scope="col">금액</th><th scope="col">수단</th><th scope="col">상태</th><th scope="col">취소액</th><th scope="col">작업</th></tr></thead>
    <tbody id="payments"><tr><td colspan="8">불러오는 중…</td></tr></tbody>
  </table>
  <h2>환불</h2>
  <p>판매자가 <code>gage orders refund</code> 로 환불하거나 구매자가 주문을 취소하면 여기에 PG의 취소 내역이 나타납니다.</p>
  <p><button type="button" id="refuse-next-refund">다음 환불을 PG가 거절하게 하기</button></p>
  <table>
    <thead><tr><th scope="col">결제 ID</th><th scope="col">취소 일시</th><th scope="col">금액</th><th scope="col">사유</th><th scope="col">PG 취소 ID</th></tr></thead>
    <tbody id="refunds"><tr><td colspan="5">불러오는 중…</td></tr></tbody>
  </table>
  <h2>정기배송 예약 결제</h2>
  <p>예약된 결제는 원래 예약한 날에 실행됩니다. 테스트할 때는 지금 실행해 보세요: 결제 후 PortOne 처럼 웹훅을 gage-verify 로 보냅니다.</p>
  <p><button type="button" id="run-schedules">예약 결제 모두 지금 실행</button> <button type="button" id="decline-next">다음 정기결제 거절시키기</button></p>
  <table>
    <thead><tr><th scope="col">주문번호</th><th scope="col">예약일</th><th scope="col">금액</th><th scope="col">상태</th><th scope="col">결제</th></tr></thead>
    <tbody id="schedules"><tr><td colspan="5">불러오는 중…</td></tr></tbody>
  </table>
  <h2>웹훅 결과</h2>
  <p id="result" role="status" aria-live="polite"></p>
</main>
<script>
(function () {
  'use strict';
  var tbody = document.getElementById('payments');
  var result = document.getElementById('result');
  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }
  /** One row per payment, V1 (the Iamport stand-in) and V2 (the PortOne one) alike. */
  function rowsV1(payments) {
    return payments.map(function (p) {
      return { id: p.imp_uid, order: p.merchant_uid, name: p.name || '', amount: p.amount, method: p.pay_method,
        status: p.status, cancelled: p.cancel_amount,
        refunds: (p.cancel_history || []).map(function (c) {
          return { at: c.cancelled_at * 1000, amount: c.amount, reason: c.reason, id: c.cancellation_id || c.pg_tid };
        }),
        deposit: p.status === 'ready' && p.pay_method === 'vbank' ? '/__gage/sandbox/deposit/' : null };
    });
  }
  function rowsV2(payments) {
    return payments.map(function (p) {
      var method = (p.method || {}).type || '';
      return { id: p.id, order: p.id, name: p.orderName || '', amount: p.amount.total,
        method: method.replace(/^PaymentMethod/, ''), status: p.status, cancelled: p.amount.cancelled,
        refunds: (p.cancellations || []).filter(function (c) { return c.totalAmount > 0; }).map(function (c) {
          return { at: Date.parse(c.cancelledAt || c.requestedAt), amount: c.totalAmount, reason: c.reason, id: c.id };
        }),
        deposit: p.status === 'VIRTUAL_ACCOUNT_ISSUED' ? '/__gage/sandbox/portone/deposit/' : null };
    });
  }
  function list(url, rows) {
    return fetch(url).then(function (r) { return r.json(); }).then(rows).catch(function () { return []; });
  }
  function load() {
    Promise.all([list('/__iamport/__sandbox/payments', rowsV1), list('/__portone/__sandbox/payments', rowsV2)]).then(function (lists) {
      var payments = lists[0].concat(lists[1]);
      tbody.textContent = '';
      if (!payments.length) {
        var row = document.createElement('tr');
        var td = cell('아직 결제가 없습니다.');
        td.colSpan = 8;
        row.appendChild(td);
        tbody.appendChild(row);
      }
      payments.slice().reverse().forEach(function (p) {
        var row = document.createElement('tr');
        row.setAttribute('data-payment-id', p.id);
        [cell(p.id), cell(p.order), cell(p.name), cell(String(p.amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '원', 'amount'),
         cell(p.method), cell(p.status, 'status'), cell(String(p.cancelled), 'amount')].forEach(function (c) { row.appendChild(c); });
        var actions = document.createElement('td');
        if (p.deposit) {
          var button = document.createElement('button');
          button.type = 'button';
          button.textContent = '입금하기';
          button.setAttribute('data-deposit', p.id);
          button.setAttribute('aria-label', p.order + ' 가상계좌에 입금하기');
          button.addEventListener('click', function () { deposit(p.deposit + encodeURIComponent(p.id)); });
          actions.appendChild(button);
        }
        row.appendChild(actions);
        tbody.appendChild(row);
      });
      showRefunds(payments);
    });
  }
  var refundRows = document.getElementById('refunds');
  function showRefunds(payments) {
    var all = [];
    payments.forEach(function (p) { p.refunds.forEach(function (r) { all.push({ payment: p.id, refund: r }); }); });
    all.sort(function (a, b) { return b.refund.at - a.refund.at; });
    refundRows.textContent = '';
    if (!all.length) {
      var row = document.createElement('tr');
      var td = cell('아직 환불이 없습니다.');
      td.colSpan = 5;
      row.appendChild(td);
      refundRows.appendChild(row);
    }
    all.forEach(function (entry) {
      var row = document.createElement('tr');
      row.setAttribute('data-refund-of', entry.payment);
      [cell(entry.payment), cell(new Date(entry.refund.at).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' })),
       cell(String(entry.refund.amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '원', 'amount'),
       cell(entry.refund.reason || ''), cell(entry.refund.id || '')].forEach(function (c) { row.appendChild(c); });
      refundRows.appendChild(row);
    });
  }
  document.getElementById('refuse-next-refund').addEventListener('click', function () {
    function arm(url, fault) {
      return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fault) });
    }
    Promise.all([
      arm('/__iamport/__sandbox/faults', { kind: 'refused', path_prefix: '/payments/cancel' }),
      arm('/__portone/__sandbox/faults', { kind: 'refused', path_prefix: '/payments/', path_suffix: '/cancel' })
    ]).then(function () { result.textContent = '다음 환불 한 건을 PG가 거절합니다.'; })
      .catch(function (e) { result.textContent = String(e); });
  });
  function deposit(url) {
    result.textContent = '입금 처리 중…';
    fetch(url, { method: 'POST' })
      .then(function (r) { return r.json(); })
      .then(function (answer) { result.textContent = '웹훅 → gage-verify: ' + JSON.stringify(answer.webhook); load(); })
      .catch(function (e) { result.textContent = String(e); });
  }
  var schedules = document.getElementById('schedules');
  /** V1's and V2's scheduled charges in one list: {merchant_uid, schedule_at, amount, schedule_status, payment_status}. */
  function allSchedules() {
    var v1 = fetch('/__iamport/__sandbox/schedules').then(function (r) { return r.json(); }).catch(function () { return []; });
    var v2 = fetch('/__portone/__sandbox/schedules').then(function (r) { return r.json(); }).catch(function () { return []; });
    return Promise.all([v1, v2]).then(function (lists) {
      return lists[0].concat((Array.isArray(lists[1]) ? lists[1] : []).map(function (s) {
        return { merchant_uid: s.paymentId, schedule_at: Date.parse(s.timeToPay) / 1000, amount: s.totalAmount,
                 schedule_status: s.status, payment_status: '' };
      }));
    });
  }
  function loadSchedules() {
    allSchedules().then(function (list) {
      schedules.textContent = '';
      if (!list.length) {
        var row = document.createElement('tr');
        var td = cell('예약된 정기결제가 없습니다.');
        td.colSpan = 5;
        row.appendChild(td);
        schedules.appendChild(row);
      }
      list.slice().reverse().forEach(function (s) {
        var row = document.createElement('tr');
        [cell(s.merchant_uid), cell(new Date(s.schedule_at * 1000).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' })),
         cell(String(s.amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '원', 'amount'), cell(s.schedule_status, 'status'),
         cell(s.payment_status || '')].forEach(function (c) { row.appendChild(c); });
        schedules.appendChild(row);
      });
    });
  }
  document.getElementById('run-schedules').addEventListener('click', function () {
    result.textContent = '예약 결제 실행 중…';
    fetch('/__gage/sandbox/schedules/run', { method: 'POST' }).then(function (r) { return r.json(); })
      .then(function (answer) {
        result.textContent = answer.runs.length ? answer.runs.map(function (run) {
          return run.merchant_uid + ' ' + run.status + ' → gage-verify: ' + JSON.stringify(run.webhook);
        }).join('\n') : '실행할 예약 결제가 없습니다.';
        load();
        loadSchedules();
      }).catch(function (e) { result.textContent = String(e); });
  });
  document.getElementById('decline-next').addEventListener('click', function () {
    var body = JSON.stringify({ shape: 'status', message: '[테스트] 한도 초과' });
    Promise.all(['/__iamport', '/__portone'].map(function (api) {
      return fetch(api + '/__sandbox/declines', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body });
    })).then(function () { result.textContent = '다음 정기결제 한 건이 거절됩니다.'; });
  });
  load();
  loadSchedules();
  setInterval(function () { load(); loadSchedules(); }, 3000);
})();
</script>
</body>
</html>
"""#
}

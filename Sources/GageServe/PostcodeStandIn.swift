extension SandboxAssets {
    /// An offline stand-in for Kakao's `postcode.v2.js` (우편번호 서비스), so the buyer form's address search
    /// works under `gage serve --sandbox` without internet: `new daum.Postcode({oncomplete, onclose}).open()`
    /// opens a clearly labelled test window that searches a few fixed addresses and answers `oncomplete` with
    /// the fields Kakao documents (`zonecode`, `address`, `roadAddress`, `jibunAddress`, `userSelectedType`,
    /// `bname`, `buildingName`, `apartment`, …).
    static let postcodeScript = #"""
(function () {
  'use strict';
  var ADDRESSES = [
    { zonecode: '04003', roadAddress: '서울 마포구 성미산로 12', jibunAddress: '서울 마포구 연남동 223-1', bname: '연남동',
      buildingName: '', apartment: 'N', sido: '서울', sigungu: '마포구' },
    { zonecode: '06236', roadAddress: '서울 강남구 테헤란로 152', jibunAddress: '서울 강남구 역삼동 737', bname: '역삼동',
      buildingName: '강남파이낸스센터', apartment: 'N', sido: '서울', sigungu: '강남구' },
    { zonecode: '07327', roadAddress: '서울 영등포구 여의대방로 43', jibunAddress: '서울 영등포구 여의도동 11', bname: '여의도동',
      buildingName: '한성아파트', apartment: 'Y', sido: '서울', sigungu: '영등포구' },
    { zonecode: '63309', roadAddress: '제주특별자치도 제주시 첨단로 242', jibunAddress: '제주특별자치도 제주시 영평동 2181',
      bname: '영평동', buildingName: '', apartment: 'N', sido: '제주특별자치도', sigungu: '제주시' },
    { zonecode: '48058', roadAddress: '부산 해운대구 센텀중앙로 79', jibunAddress: '부산 해운대구 우동 1502', bname: '우동',
      buildingName: '센텀사이언스파크', apartment: 'N', sido: '부산', sigungu: '해운대구' }
  ];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function Postcode(options) { this.options = options || {}; }

  Postcode.prototype.open = function () {
    var options = this.options;
    var opener = document.activeElement;
    var backdrop = el('div', { id: 'postcode-sandbox', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'postcode-sandbox-title' });
    backdrop.style.cssText = 'position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.55);display:flex;' +
      'align-items:center;justify-content:center;padding:1rem;font-family:system-ui,sans-serif';
    var box = el('div');
    box.style.cssText = 'background:#fff;color:#1d1d1f;border-radius:12px;max-width:26rem;width:100%;padding:1.25rem;' +
      'box-shadow:0 10px 40px rgba(0,0,0,.3);border-top:8px solid #f2b705';
    box.appendChild(el('p', { text: 'TEST · 우편번호 검색 샌드박스' }));
    box.lastChild.style.cssText = 'margin:0 0 .25rem;font-size:.8rem;font-weight:800;letter-spacing:.08em;color:#9a6b00';
    box.appendChild(el('h2', { id: 'postcode-sandbox-title', text: '주소 검색' }));
    box.lastChild.style.cssText = 'margin:0 0 .5rem;font-size:1.2rem';
    var label = el('label', { for: 'postcode-sandbox-query', text: '도로명, 지번, 건물명' });
    var query = el('input', { id: 'postcode-sandbox-query', type: 'search', autocomplete: 'off' });
    query.style.cssText = 'display:block;width:100%;font:inherit;padding:.5rem;margin:.25rem 0 .75rem;border:1px solid #999;border-radius:6px';
    var list = el('ul', { id: 'postcode-sandbox-results' });
    list.style.cssText = 'list-style:none;margin:0;padding:0;max-height:50vh;overflow:auto';
    var cancel = el('button', { type: 'button', 'data-postcode-action': 'close', text: '닫기' });
    cancel.style.cssText = 'margin-top:.75rem;font:inherit;padding:.5rem 1rem';
    box.appendChild(label);
    box.appendChild(query);
    box.appendChild(list);
    box.appendChild(cancel);
    backdrop.appendChild(box);

    function close(state) {
      backdrop.remove();
      if (opener && opener.focus) opener.focus();
      if (typeof options.onclose === 'function') options.onclose(state);
    }

    function choose(address) {
      var data = {
        zonecode: address.zonecode, address: address.roadAddress, addressType: 'R', userSelectedType: 'R',
        roadAddress: address.roadAddress, jibunAddress: address.jibunAddress, bname: address.bname,
        buildingName: address.buildingName, apartment: address.apartment, sido: address.sido,
        sigungu: address.sigungu, query: query.value
      };
      backdrop.remove();
      if (typeof options.oncomplete === 'function') options.oncomplete(data);
      if (typeof options.onclose === 'function') options.onclose('COMPLETE_CLOSE');
    }

    function show() {
      var words = query.value.trim().split(/\s+/).filter(Boolean);
      list.textContent = '';
      ADDRESSES.filter(function (a) {
        var text = [a.roadAddress, a.jibunAddress, a.buildingName, a.zonecode].join(' ');
        return words.every(function (w) { return text.indexOf(w) >= 0; });
      }).forEach(function (address) {
        var button = el('button', { type: 'button', 'data-postcode-zonecode': address.zonecode },
          [el('strong', { text: address.zonecode + ' ' }), document.createTextNode(address.roadAddress +
            (address.buildingName ? ' (' + address.buildingName + ')' : ''))]);
        button.style.cssText = 'display:block;width:100%;text-align:left;font:inherit;padding:.5rem;margin:0 0 .25rem;' +
          'background:#f6f6f4;border:1px solid #ddd;border-radius:6px;cursor:pointer';
        button.addEventListener('click', function () { choose(address); });
        list.appendChild(el('li', {}, [button]));
      });
    }

    query.addEventListener('input', show);
    cancel.addEventListener('click', function () { close('FORCE_CLOSE'); });
    backdrop.addEventListener('keydown', function (event) { if (event.key === 'Escape') close('FORCE_CLOSE'); });
    document.body.appendChild(backdrop);
    show();
    query.focus();
  };

  Postcode.prototype.embed = function (element) {
    // Kakao's embed draws the search inside an element; the stand-in opens its window instead.
    this.open();
  };

  window.daum = window.daum || {};
  window.daum.Postcode = Postcode;
  window.kakao = window.kakao || {};
  window.kakao.Postcode = Postcode;
})();
"""#
}

"""Checkout end to end in a real headless Chromium against `gage serve --sandbox` on a copy of the example shop:
the real pages, the real checkout script, the sandbox SDK, the Iamport stand-in and gage-verify run as CGI.
Screenshots of every step go to test-artifacts/browser/."""
import json
import pathlib
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from browser_kit import (ARTIFACTS, NEEDS_CHROMIUM, add_to_cart, fill_checkout, ledger_orders, pay, result_text, serve_sandbox, shot,
                         wait)
from browser_kit import driver, fresh  # noqa: F401 (fixtures, used by name)
from conftest import ROOT

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def shop(gage, gage_verify, example_shop_module):
    yield from serve_sandbox(gage, example_shop_module, "gage-serve.log")


@pytest.fixture(scope="module")
def example_shop_module(tmp_path_factory):
    shop = tmp_path_factory.mktemp("serve") / "shop"
    shop.mkdir()
    shutil.copy(ROOT / "shop.yml", shop / "shop.yml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, shop / folder)
    return shop


def sandbox_payments(shop):
    with urllib.request.urlopen(shop["url"] + "/__iamport/__sandbox/payments") as response:
        return json.loads(response.read())


def test_1_two_products_with_an_option_paid_by_card(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "ethiopia-yirgacheffe", {"분쇄도": "에스프레소용"}, 2)   # 2 × 18,500 = 37,000
    shot(driver, "01-product-added")
    add_to_cart(driver, shop, "chamomile")                                             # 9,800
    fill_checkout(driver, shop)
    assert driver.find_element(By.CSS_SELECTOR, "[data-subtotal]").text == "46,800원"
    assert driver.find_element(By.CSS_SELECTOR, "[data-shipping]").text == "3,000원"   # under 50,000: fee applies
    assert driver.find_element(By.CSS_SELECTOR, "[data-total]").text == "49,800원"
    shot(driver, "01-cart-filled")
    pay(driver, screenshot="01-sandbox-window")
    text = result_text(driver)
    shot(driver, "01-paid")
    assert "결제가 완료되었습니다" in text
    assert "49,800원" in text
    paid = [p for p in sandbox_payments(shop) if p["amount"] == 49800]
    assert paid and paid[-1]["status"] == "paid"
    ledger = subprocess.run([str(shop["gage"]), "orders", "list", "--json", "--ledger", shop["ledger"]],
                            capture_output=True, text=True, check=True)
    recorded = {o["imp_uid"]: o for o in json.loads(ledger.stdout)}[paid[-1]["imp_uid"]]
    assert recorded["status"] == "paid" and recorded["amount"] == 49800 and recorded["buyer"]["name"] == "홍길동"
    assert driver.execute_script("return localStorage.getItem('gage-cart:/')") == "[]"


def test_2_tampered_amount_is_rejected_and_refunded(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "chamomile", quantity=2)
    fill_checkout(driver, shop)
    # What an attacker does in devtools: pay 100원 for a 22,600원 order, under an order number of their own so that
    # the amount /prepare registered does not stop it at the provider (a tampered page can skip the check).
    driver.execute_script("""
        var original = IMP.request_pay;
        IMP.request_pay = function (params, callback) {
          params.amount = 100; params.merchant_uid += 'x'; return original.call(IMP, params, callback);
        };
    """)
    pay(driver)
    text = result_text(driver)
    shot(driver, "02-tampered-refunded")
    assert "주문을 받을 수 없습니다" in text and "환불" in text
    tampered = [p for p in sandbox_payments(shop) if p["amount"] == 100][-1]
    assert tampered["status"] == "cancelled" and tampered["cancel_amount"] == 100


def test_3_mobile_redirect_flow_is_paid(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "jeju-green-tea", quantity=5)                            # 60,000: free shipping
    fill_checkout(driver, shop)
    pay(driver, redirect=True)
    wait(driver).until(ec.url_contains("/checkout/complete/"))
    assert re.search(r"imp_uid=imp_\d+", driver.current_url) and "imp_success=true" in driver.current_url
    text = result_text(driver)
    shot(driver, "03-redirect-paid")
    assert "결제가 완료되었습니다" in text and "60,000원" in text


def test_4_virtual_account_then_deposit_from_the_console(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "earl-grey", {"형태": "티백 20개"})                      # 12,000 + 3,000
    fill_checkout(driver, shop, pay_method="vbank")
    pay(driver, action="vbank")
    text = result_text(driver)
    shot(driver, "04-awaiting-deposit")
    assert "가상계좌가 발급되었습니다" in text
    issued = [p for p in sandbox_payments(shop) if p["pay_method"] == "vbank"][-1]
    assert issued["vbank_num"] in text and "15,000원" in text
    driver.get(shop["url"] + "/__sandbox/")
    button = wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, f'[data-deposit="{issued["imp_uid"]}"]')))
    button.click()
    wait(driver).until(ec.text_to_be_present_in_element((By.ID, "result"), '"status":"paid"'))
    shot(driver, "04-deposit-webhook-paid")
    assert [p for p in sandbox_payments(shop) if p["imp_uid"] == issued["imp_uid"]][0]["status"] == "paid"


def test_5_closed_payment_window_pays_nothing(fresh, shop):
    driver = fresh
    before = len(sandbox_payments(shop))
    add_to_cart(driver, shop, "hojicha")
    fill_checkout(driver, shop)
    pay(driver, action="close")
    text = result_text(driver)
    shot(driver, "05-window-closed")
    assert "결제가 진행되지 않았습니다" in text
    assert len(sandbox_payments(shop)) == before
    assert json.loads(driver.execute_script("return localStorage.getItem('gage-cart:/')"))[0]["sku"] == "TEA-HOJI-80"


def test_6_sold_out_product_cannot_be_put_in_the_cart(fresh, shop):
    driver = fresh
    driver.get(shop["url"] + "/products/kenya-aa/")
    shot(driver, "06-sold-out")
    assert driver.find_element(By.CSS_SELECTOR, ".sold-out").text == "품절"
    assert driver.find_elements(By.CSS_SELECTOR, "[data-buy-form]") == []
    # Even smuggled into the cart, it is taken out before checkout.
    driver.execute_script("localStorage.setItem('gage-cart:/', JSON.stringify([{sku: 'KEN-AA', quantity: 1, options: {'분쇄도': '홀빈'}}]))")
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-cart-notice]")))
    assert driver.find_element(By.CSS_SELECTOR, "[data-cart-empty]").is_displayed()


def test_7_no_serious_accessibility_violations(fresh, shop):
    from axe_selenium_python import Axe
    driver = fresh
    add_to_cart(driver, shop, "tumbler", {"용량": "500ml"})
    pages = {"home": "/", "product": "/products/ethiopia-yirgacheffe/", "subscribable": "/products/house-blend/",
             "cart": "/cart/", "manage": "/subscription/#" + "0" * 64,
             "result": "/checkout/complete/?merchant_uid=onggi-none", "search": "/search/?q=%EB%93%9C%EB%A6%BD"}
    problems = {}
    for name, path in pages.items():
        driver.get(shop["url"] + path)
        time.sleep(0.5)
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
        serious = [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            problems[name] = serious
    assert problems == {}


def test_8_edits_reload_the_page_and_broken_edits_show_errors(fresh, shop):
    driver = fresh
    product = shop["source"] / "content" / "products" / "chamomile.md"
    original = product.read_text()
    driver.get(shop["url"] + "/products/chamomile/")
    try:
        product.write_text(original.replace("title: 저먼 캐모마일 30g", "title: 저먼 캐모마일 50g"))
        wait(driver, 10).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "50g"))
        product.write_text(original.replace("price: 9800", "prcie: 9800"))
        overlay = wait(driver, 10).until(ec.visibility_of_element_located((By.ID, "gage-build-errors")))
        shot(driver, "08-build-error-overlay")
        assert "content/products/chamomile.md:4: unknown key 'prcie'" in overlay.text
    finally:
        product.write_text(original)
    wait(driver, 10).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "30g"))
    assert driver.find_elements(By.ID, "gage-build-errors") == []


def test_9_phone_width_pages_for_a_look(fresh, shop):
    driver = fresh
    driver.set_window_size(400, 860)
    try:
        add_to_cart(driver, shop, "ethiopia-yirgacheffe", {"분쇄도": "홀빈"})
        shot(driver, "09-phone-product")
        fill_checkout(driver, shop)
        shot(driver, "09-phone-cart")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, "the cart page scrolls sideways on a phone"
    finally:
        driver.set_window_size(1280, 1000)


# ------------------------------------------------------------------------------------------ 성인인증 (SPEC §6)

def certify(driver, birthday, redirect=False):
    """Fills the stand-in's identity window the way a tester does."""
    field = wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox-birthday")))
    driver.execute_script("arguments[0].value = arguments[1]", field, birthday)
    if redirect:
        driver.find_element(By.ID, "imp-sandbox-redirect").click()
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="certify"]').click()


def test_10_an_adult_buys_makgeolli_after_identity_verification(fresh, shop):
    driver = fresh
    driver.get(shop["url"] + "/products/yangpyeong-makgeolli/")
    assert "19세 이상 구매 가능" in driver.find_element(By.CSS_SELECTOR, ".adult-only").text
    add_to_cart(driver, shop, "yangpyeong-makgeolli", quantity=2)                    # 12,000 + 3,000
    fill_checkout(driver, shop)
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    shot(driver, "10-identity-window")
    certify(driver, "1990-05-05")
    wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, '[data-sandbox-action="approve"]'))).click()
    text = result_text(driver)
    shot(driver, "10-adult-paid")
    assert "결제가 완료되었습니다" in text and "15,000원" in text
    paid = [p for p in sandbox_payments(shop) if p["amount"] == 15000 and "SUL-MAKGEOLLI" in (p["custom_data"] or "")][-1]
    assert json.loads(paid["custom_data"])["certification"].startswith("imp_")
    recorded = ledger_orders(shop)[paid["imp_uid"]]
    assert recorded["status"] == "paid" and recorded["identity"]["provider"] == "danal"


def test_11_a_minor_is_stopped_before_any_money_moves(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "andong-soju")
    fill_checkout(driver, shop)
    before = len(sandbox_payments(shop))
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    certify(driver, "2012-03-01")
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-checkout-status]"), "19세 미만"))
    shot(driver, "11-minor-stopped")
    assert driver.find_elements(By.ID, "imp-sandbox") == []                           # no payment window
    assert len(sandbox_payments(shop)) == before                                        # and no payment
    assert driver.find_element(By.CSS_SELECTOR, "[data-pay]").is_enabled()


def test_12_a_page_edited_to_skip_identity_verification_is_rejected_and_refunded(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "yangpyeong-makgeolli")                                # 6,000 + 3,000
    fill_checkout(driver, shop)
    # What a minor does in devtools: pretend the verification passed and the function said "adult".
    driver.execute_script("""
        IMP.certification = function (params, callback) { callback({ success: true, imp_uid: 'imp_000000000001' }); };
        var realFetch = window.fetch;
        window.fetch = function (url, options) {
          if (String(url).indexOf('/identity') >= 0) {
            return Promise.resolve(new Response(JSON.stringify({ ok: true, adult: true }), { status: 200 }));
          }
          return realFetch.apply(this, arguments);
        };
    """)
    pay(driver)
    text = result_text(driver)
    shot(driver, "12-skipped-identity-refunded")
    assert "본인인증" in text and "환불" in text
    skipped = [p for p in sandbox_payments(shop) if p["amount"] == 9000 and "SUL-MAKGEOLLI" in (p["custom_data"] or "")][-1]
    assert skipped["status"] == "cancelled" and skipped["cancel_amount"] == 9000
    recorded = ledger_orders(shop)[skipped["imp_uid"]]
    assert (recorded["status"], recorded["reason"]) == ("rejected", "identity_required")


def test_13_on_a_phone_identity_verification_returns_to_the_cart_and_goes_on_to_pay(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "andong-soju")                                          # 18,000 + 3,000
    fill_checkout(driver, shop)
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    certify(driver, "1985-10-10", redirect=True)
    wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, '[data-sandbox-action="approve"]')))
    assert "success" not in driver.current_url                                          # the query was consumed
    assert driver.find_element(By.ID, "buyer_name").get_attribute("value") == "홍길동"
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="approve"]').click()
    text = result_text(driver)
    shot(driver, "13-phone-identity-paid")
    assert "결제가 완료되었습니다" in text and "21,000원" in text


# ------------------------------------------------- what Korean buyers and law expect of a shop page

def record_payment_requests(driver):
    """Keeps what the page passes to IMP.request_pay, to check the request itself (escrow, address)."""
    driver.execute_script("""
        window.__payRequests = [];
        var real = IMP.request_pay;
        IMP.request_pay = function (params, callback) { window.__payRequests.push(params); return real.apply(this, arguments); };
    """)


def test_14_address_search_fills_postcode_and_address_and_leaves_the_detail_to_type(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "filter-paper")                                          # 4,500 + 3,000
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
    for field, value in {"buyer_name": "홍길동", "buyer_tel": "010-1234-5678", "buyer_email": "gildong@example.kr"}.items():
        driver.find_element(By.ID, field).send_keys(value)
    search = driver.find_element(By.CSS_SELECTOR, "[data-address-search]")
    search.send_keys(Keys.ENTER)                                                       # keyboard, not a click
    query = wait(driver).until(ec.visibility_of_element_located((By.ID, "postcode-sandbox-query")))
    assert driver.switch_to.active_element == query
    query.send_keys("테헤란")
    shot(driver, "14-postcode-stand-in")
    driver.find_element(By.CSS_SELECTOR, '[data-postcode-zonecode="06236"]').send_keys(Keys.ENTER)
    assert driver.find_element(By.ID, "buyer_postcode").get_attribute("value") == "06236"
    assert driver.find_element(By.ID, "buyer_addr").get_attribute("value") == "서울 강남구 테헤란로 152 (역삼동)"
    assert driver.switch_to.active_element.get_attribute("id") == "buyer_addr_detail"
    driver.switch_to.active_element.send_keys("3층 301호")
    driver.find_element(By.CSS_SELECTOR, 'input[name="pay_method"][value="vbank"]').click()
    driver.find_element(By.ID, "agree").click()
    record_payment_requests(driver)
    pay(driver, action="vbank")
    text = result_text(driver)
    assert "가상계좌가 발급되었습니다" in text and "7,500원" in text
    request = driver.execute_script("return window.__payRequests[0]")
    assert request["buyer_postcode"] == "06236"
    assert request["buyer_addr"] == "서울 강남구 테헤란로 152 (역삼동) 3층 301호"
    assert request["escrow"] is True                                                     # cash through 구매안전서비스
    issued = [p for p in sandbox_payments(shop) if p["pay_method"] == "vbank"][-1]
    assert issued["escrow"] is True and issued["buyer_addr"] == request["buyer_addr"]


def test_15_card_payments_do_not_ask_for_escrow(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "filter-paper")
    fill_checkout(driver, shop, pay_method="card")
    record_payment_requests(driver)
    pay(driver)
    assert "결제가 완료되었습니다" in result_text(driver)
    assert "escrow" not in driver.execute_script("return window.__payRequests[0]")


def test_16_without_the_address_service_the_buyer_types_the_address(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "filter-paper")
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*postcode.v2.js*"]})
    try:
        driver.get(shop["url"] + "/cart/")
        wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
        driver.find_element(By.CSS_SELECTOR, "[data-address-search]").click()
        wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-address-status]"), "직접 입력"))
        assert driver.switch_to.active_element.get_attribute("id") == "buyer_postcode"
        fill_checkout(driver, shop)                                                    # typed by hand
        pay(driver)
        assert "결제가 완료되었습니다" in result_text(driver)
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


def search_results(driver, query):
    field = driver.find_element(By.ID, "site-search-query")
    field.clear()
    field.send_keys(query)
    panel = (By.CSS_SELECTOR, "#site-search-results")
    wait(driver).until(lambda d: d.find_element(*panel).is_displayed() and
                       d.execute_script("return document.getElementById('site-search-query').value") == query and
                       d.find_elements(By.CSS_SELECTOR, "#site-search-results .search-hit, #site-search-results .search-empty"))
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#site-search-results .search-hit-title")]


def test_17_search_finds_products_by_parts_of_korean_words(fresh, shop):
    driver = fresh
    driver.get(shop["url"] + "/about/")                                                 # the box is on every page
    assert search_results(driver, "예가") == ["에티오피아 예가체프 원두 200g"]
    dripping = search_results(driver, "드립")                                            # 드립 주전자, and 핸드드립 tags
    assert {"스테인리스 드립 주전자 600ml", "원뿔형 필터 100매", "도자기 드리퍼 1~2인용"} <= set(dripping)
    assert dripping[0] == "스테인리스 드립 주전자 600ml"                                   # a title beats a tag
    assert search_results(driver, "ㅇㄱㅊㅍ") == ["에티오피아 예가체프 원두 200g"]          # 초성
    assert search_results(driver, "전통주 소주") == ["안동 증류식 소주 375ml"]
    assert search_results(driver, "없는상품") == []
    shot(driver, "17-search")
    search_results(driver, "원두")
    field = driver.find_element(By.ID, "site-search-query")
    field.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element.tag_name == "a"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(driver).until(ec.url_contains("/products/"))
    driver.get(shop["url"] + "/search/?q=" + urllib.parse.quote("핸드드립"))
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#search-page-results .search-hit")))
    titles = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#search-page-results .search-hit-title")]
    assert set(titles) == {"스테인리스 드립 주전자 600ml", "원뿔형 필터 100매", "도자기 드리퍼 1~2인용"}


def test_18_notices_and_seller_facts_are_there_at_phone_width(fresh, shop):
    driver = fresh
    driver.set_window_size(390, 844)
    try:
        driver.get(shop["url"] + "/products/yangpyeong-makgeolli/")
        notice = driver.find_element(By.CSS_SELECTOR, "[data-product-notice]")
        driver.execute_script("arguments[0].scrollIntoView()", notice)
        assert notice.is_displayed()
        rows = [r.text for r in notice.find_elements(By.CSS_SELECTOR, "tbody th")]
        assert rows[:3] == ["제품명", "식품의 유형", "생산자 및 소재지"]
        withdrawal = driver.find_element(By.CSS_SELECTOR, "[data-withdrawal]")
        assert "7일 이내" in withdrawal.text
        assert withdrawal.find_element(By.TAG_NAME, "a").get_attribute("href") == shop["url"] + "/shipping/"
        shot(driver, "18-phone-product-notice")
        footer = driver.find_element(By.CSS_SELECTOR, ".site-footer")
        driver.execute_script("arguments[0].scrollIntoView()", footer)
        assert "호스팅 서비스 제공자" in footer.text and "구매안전서비스" in footer.text
        link = footer.find_element(By.CSS_SELECTOR, "[data-ftc-link]")
        assert link.is_displayed()
        assert link.get_attribute("href") == "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=1234567890"
        shot(driver, "18-phone-footer")
        for path in ("/", "/products/yangpyeong-makgeolli/", "/search/?q=%EC%9B%90%EB%91%90"):
            driver.get(shop["url"] + path)
            assert driver.execute_script("return document.documentElement.scrollWidth") <= 390, path
        add_to_cart(driver, shop, "filter-paper")
        driver.get(shop["url"] + "/cart/")
        wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
        assert "7일 이내" in driver.find_element(By.CSS_SELECTOR, "[data-checkout-form] [data-withdrawal]").text
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        shot(driver, "18-phone-cart")
    finally:
        driver.set_window_size(1280, 1000)


def lookup_answer(driver, order, phone):
    form = driver.find_element(By.CSS_SELECTOR, "[data-order-lookup]")
    for name, value in (("order", order), ("phone", phone)):
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-lookup-result]").text not in ("", "조회 중…"))
    return driver.find_element(By.CSS_SELECTOR, "[data-lookup-result]").text


def test_19_the_buyer_gets_a_receipt_and_finds_the_order_by_number_and_phone(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "hojicha")
    fill_checkout(driver, shop)
    pay(driver)
    assert "결제가 완료되었습니다" in result_text(driver)
    paid = [p for p in sandbox_payments(shop) if p["status"] == "paid"][-1]
    number = paid["merchant_uid"]
    # The e-mails the sandbox would have sent: the buyer's receipt and the seller's new order.
    with urllib.request.urlopen(shop["url"] + "/__sandbox/mail.json") as response:
        mails = [m for m in json.loads(response.read()) if m["imp_uid"] == paid["imp_uid"]]
    assert {(m["kind"], m["to"]) for m in mails} == {("order_confirmed", "gildong@example.kr"),
                                                     ("new_order", "seller@sandbox.invalid")}
    driver.get(shop["url"] + "/__sandbox/mail")
    assert f"주문이 완료되었습니다 ({number})" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "19-sandbox-mail")
    # The footer links the lookup page on every page; the receipt links it opened on the order.
    driver.get(shop["url"] + "/")
    driver.find_element(By.CSS_SELECTOR, "[data-lookup-link]").click()
    wait(driver).until(ec.url_contains("/orders/lookup/"))
    receipt = [m for m in mails if m["kind"] == "order_confirmed"][0]
    link = re.search(r"https?://\S+/orders/lookup/\?order=\S+", receipt["text"]).group(0)
    driver.get(shop["url"] + "/orders/lookup/?order=" + link.rsplit("=", 1)[1])
    assert driver.find_element(By.NAME, "order").get_attribute("value") == number
    text = lookup_answer(driver, number, "01012345678")
    shot(driver, "19-lookup-found")
    assert "결제 완료" in text and "호지차" in text and number in text
    assert "홍길동" not in text and "세종대로" not in text
    assert "맞는 주문이 없습니다" in lookup_answer(driver, number, "010-9999-0000")
    for _ in range(4):
        lookup_answer(driver, number, "010-9999-0000")
    text = lookup_answer(driver, number, "010-1234-5678")
    shot(driver, "19-lookup-too-many")
    assert "여러 번 실패" in text


def seller_subscriptions(shop):
    if not pathlib.Path(shop["ledger"]).exists():
        return []   # nothing decided yet: gage-verify creates the ledger on its first decision
    listing = subprocess.run([str(shop["gage"]), "subscriptions", "list", "--json", "--ledger", shop["ledger"]],
                             capture_output=True, text=True, check=True)
    return json.loads(listing.stdout)


def sandbox_schedules(shop):
    with urllib.request.urlopen(shop["url"] + "/__iamport/__sandbox/schedules") as response:
        return json.loads(response.read())


def subscribe_on_product_page(driver, shop, slug, interval, options):
    driver.get(f"{shop['url']}/products/{slug}/")
    driver.find_element(By.CSS_SELECTOR, 'input[name="purchase"][value="subscribe"]').click()
    select = wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-interval]")))
    Select(select).select_by_value(interval)
    for name, value in options.items():
        Select(driver.find_element(By.CSS_SELECTOR, f'select[data-option="{name}"]')).select_by_value(value)
    driver.find_element(By.CSS_SELECTOR, 'button[value="cart"]').click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-buy-status]"), "담았습니다"))


def test_20_a_subscription_starts_from_the_product_page_and_ends_from_its_manage_link(fresh, shop):
    driver = fresh
    driver.get(shop["url"] + "/products/house-blend/")
    offer = driver.find_element(By.CSS_SELECTOR, "[data-purchase-type]").text
    assert "1회 구매" in offer and "14,000원" in offer and "12,600원" in offer and "정기배송" in offer
    # The interval appears with the choice of 정기배송; the buttons say what they do.
    assert not driver.find_element(By.CSS_SELECTOR, "[data-interval]").is_displayed()
    subscribe_on_product_page(driver, shop, "house-blend", "4w", {"분쇄도": "홀빈"})
    assert driver.find_element(By.CSS_SELECTOR, 'button[value="cart"]').text == "정기배송 담기"
    add_to_cart(driver, shop, "tumbler", {"용량": "500ml"})

    # The cart checks out the subscription apart from the one-off tumbler, and says so. The tumbler, added last,
    # is shown first; the buyer switches to the subscription.
    fill_checkout(driver, shop, pay_method=None)
    assert "보온 텀블러" in driver.find_element(By.CSS_SELECTOR, "[data-cart-lines]").text
    switch = driver.find_element(By.CSS_SELECTOR, '[data-cart-mode="subscription"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", switch)
    switch.click()
    body = driver.find_element(By.CSS_SELECTOR, "[data-cart-body]").text
    assert "따로 결제합니다" in body and "온기 하우스 블렌드" in body and "보온 텀블러" not in body
    assert "12,600원" in body and "4주마다" in body
    assert not driver.find_element(By.CSS_SELECTOR, 'input[name="pay_method"]').is_displayed()
    terms = driver.find_element(By.CSS_SELECTOR, "[data-subscription-terms]").text
    assert "15,600원" in terms and "4주마다" in terms    # 12,600원 + 3,000원 shipping per delivery
    record_payment_requests(driver)
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    window = wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))
    assert "카드 등록" in window.text
    shot(driver, "20-billing-key-window")
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="register"]').click()
    text = result_text(driver)
    shot(driver, "20-subscribed")
    assert "정기배송이 시작되었습니다" in text and "15,600원" in text and "다음 결제일" in text, text
    [request] = driver.execute_script("return window.__payRequests")
    assert request["pg"] == "html5_inicis.INIBillTst" and request["pay_method"] == "card"
    assert re.fullmatch(r"onggi-c[a-z0-9]{24}", request["customer_uid"])
    [subscription] = [s for s in seller_subscriptions(shop) if s["status"] == "active"]
    assert subscription["interval"] == "4w" and subscription["amount"] == 15_600
    assert subscription["items"][0]["options"] == {"분쇄도": "홀빈"}
    manage = driver.find_element(By.CSS_SELECTOR, "[data-manage-link]").get_attribute("href")
    token = urllib.parse.urlsplit(manage).fragment
    assert manage.startswith(shop["url"] + "/subscription/#") and re.fullmatch(r"[0-9a-f]{64}", token)
    # The first order's mail says it is a 정기배송 and carries the same link (the sandbox shows it as it would go).
    with urllib.request.urlopen(shop["url"] + "/__sandbox/mail.json") as response:
        [receipt] = [m for m in json.loads(response.read()) if m["kind"] == "order_confirmed"
                     and f"S{subscription['id']}-1" in m["subject"]]
    assert "정기배송 1회차" in receipt["subject"] and "4주마다" in receipt["text"]
    assert re.findall(r"/subscription/#([0-9a-f]{64})", receipt["text"]) == [token]
    # The one-off tumbler stays in the cart for its own checkout.
    cart = driver.execute_script("return JSON.parse(localStorage.getItem('gage-cart:/'))")
    assert [(line["sku"], "interval" in line) for line in cart] == [("GDS-TUMBLER", False)], cart

    # Time travel from the sandbox console: the second delivery is charged, its webhook recorded.
    driver.get(shop["url"] + "/__sandbox/")
    driver.find_element(By.ID, "run-schedules").click()
    wait(driver).until(ec.text_to_be_present_in_element((By.ID, "result"), "paid"))
    assert f"S{subscription['id']}-2 paid" in driver.find_element(By.ID, "result").text

    # The manage page: status, the two charges, then cancel (asked twice).
    driver.get(manage)
    panel = wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-subscription-details]")))
    page = driver.find_element(By.CSS_SELECTOR, "[data-subscription-manage]").text
    assert "이용 중" in panel.text and "4주마다" in panel.text and "15,600원" in panel.text
    assert f"S{subscription['id']}-1" in page and f"S{subscription['id']}-2" in page
    shot(driver, "20-manage")
    driver.find_element(By.CSS_SELECTOR, "[data-cancel-subscription]").click()
    assert "카드 정보가 삭제" in driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    driver.find_element(By.CSS_SELECTOR, "[data-confirm-cancel]").click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-subscription-manage]"), "해지되었습니다"))
    shot(driver, "20-cancelled")
    assert "해지됨" in driver.find_element(By.CSS_SELECTOR, "[data-subscription-details]").text
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-cancel-subscription]")
    [ended] = [s for s in seller_subscriptions(shop) if s["id"] == subscription["id"]]
    assert ended["status"] == "cancelled"
    mine = [x for x in sandbox_schedules(shop) if f"S{subscription['id']}-" in x["merchant_uid"]]
    assert [x["schedule_status"] for x in mine if x["schedule_status"] == "scheduled"] == []
    assert token not in (ARTIFACTS / "gage-serve.log").read_text()


def test_21_a_manage_link_without_its_token_shows_nothing(fresh, shop):
    driver = fresh
    driver.get(shop["url"] + "/subscription/")
    assert "링크가 올바르지 않습니다" in wait(driver).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-subscription-manage] [role=alert]"))).text
    driver.get(shop["url"] + "/subscription/#" + "a" * 64)
    assert "찾을 수 없습니다" in wait(driver).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-subscription-manage] [role=alert]"))).text


def test_22_a_declined_card_starts_no_subscription(fresh, shop):
    driver = fresh
    before = {s["id"] for s in seller_subscriptions(shop)}
    subscribe_on_product_page(driver, shop, "colombia-supremo", "1m", {"용량": "200g", "분쇄도": "홀빈"})
    request = urllib.request.Request(shop["url"] + "/__iamport/__sandbox/declines", method="POST",
                                     data=json.dumps({"shape": "code", "message": "[테스트] 한도 초과"}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
    fill_checkout(driver, shop, pay_method=None)
    pay(driver, action="register")
    text = result_text(driver)
    shot(driver, "22-declined")
    assert "정기배송을 시작하지 못했습니다" in text and "한도 초과" in text and "다음 결제일" not in text
    assert [s["status"] for s in seller_subscriptions(shop) if s["id"] not in before] in ([], ["declined"])
    # The subscription line stays in the cart to try another card.
    cart = driver.execute_script("return JSON.parse(localStorage.getItem('gage-cart:/'))")
    assert [line.get("interval") for line in cart] == ["1m"]


def test_23_on_a_phone_the_billing_window_returns_to_the_cart_and_the_subscription_starts(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "tumbler", {"용량": "500ml"})
    subscribe_on_product_page(driver, shop, "colombia-supremo", "2w", {"용량": "500g", "분쇄도": "핸드드립용"})
    fill_checkout(driver, shop, pay_method=None)
    # The kind of line added last is the checkout shown first.
    assert "콜롬비아 수프리모" in driver.find_element(By.CSS_SELECTOR, "[data-cart-lines]").text
    pay(driver, action="register", redirect=True)
    wait(driver).until(ec.url_matches(r"/cart/$"))
    text = result_text(driver)
    shot(driver, "23-subscribed-after-redirect")
    assert "정기배송이 시작되었습니다" in text and "2주마다" in text and "31,400원" in text, text  # 14,400 + 14,000 (500g) + 3,000 shipping
    assert driver.find_element(By.CSS_SELECTOR, "[data-manage-link]").is_displayed()
    # Switching to the one-off checkout shows the tumbler at its own price.
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-cart-lines]")))
    assert "텀블러" in driver.find_element(By.CSS_SELECTOR, "[data-cart-lines]").text
    assert driver.find_element(By.CSS_SELECTOR, 'input[name="pay_method"]').is_displayed()


def test_a_buyer_asking_for_more_than_is_left_is_told_before_any_payment_window(fresh, shop):
    """SPEC §9: 4 in the cart of a product with 1 left — the cart says so, and the checkout is refused naming the
    product and what is left, before any payment window opens; nobody is charged."""
    import sqlite3
    driver = fresh
    with urllib.request.urlopen(shop["url"] + "/verify/stock?skus=GDS-FILTER-100") as response:
        left = json.loads(response.read())["stock"]["GDS-FILTER-100"]
    held = []
    while left > 1:                            # other buyers' open checkouts hold all but one of the filters
        quantity = min(10, left - 1)
        request = urllib.request.Request(shop["url"] + "/verify/prepare", method="POST",
                                         data=json.dumps({"items": [{"sku": "GDS-FILTER-100", "quantity": quantity}]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            held.append(json.loads(response.read())["merchant_uid"])
        left -= quantity
    try:
        add_to_cart(driver, shop, "filter-paper", quantity=4)
        payments_before = len(sandbox_payments(shop))
        fill_checkout(driver, shop)
        # The cart asked the function what is left now, not what the page was built with.
        wait(driver).until(lambda d: "남은 수량 1개" in d.find_element(By.CSS_SELECTOR, "[data-stock-note]").text)
        driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
        status = driver.find_element(By.CSS_SELECTOR, "[data-checkout-status]")
        wait(driver).until(lambda d: "남은 수량이 1개" in status.text)
        shot(driver, "09-refused-before-the-window")
        assert "원뿔형 필터 100매" in status.text and "결제는 진행되지 않았습니다" in status.text
        assert not driver.find_elements(By.ID, "imp-sandbox") or \
            not driver.find_element(By.ID, "imp-sandbox").is_displayed()
        assert len(sandbox_payments(shop)) == payments_before
        assert driver.find_element(By.CSS_SELECTOR, "[data-pay]").is_enabled()
    finally:
        with sqlite3.connect(shop["ledger"]) as db:       # the other buyers leave: their holds end
            for merchant_uid in held:
                db.execute("DELETE FROM hold_items WHERE merchant_uid = ?", (merchant_uid,))
                db.execute("DELETE FROM holds WHERE merchant_uid = ?", (merchant_uid,))

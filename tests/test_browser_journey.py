"""The buyer's journey (issue 39) in headless Chromium at desktop (1280 px) and phone (390 px) width, against
`gage serve --sandbox` on a copy of the example shop: the order page after paying, form errors that clear, a
clamped quantity that says why, search by category and English words, the cart line's row on a phone, the
구매하기 bar and the shipping cost on product pages, and no sideways scroll."""
import json
import re
import shutil
import time
import urllib.parse
import urllib.request

import pytest

from browser_kit import NEEDS_CHROMIUM, add_to_cart, fill_checkout, ledger_orders, pay, result_text, serve_sandbox, shot, wait
from browser_kit import driver  # noqa: F401 (fixture, used by name)
from conftest import ROOT

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

pytestmark = NEEDS_CHROMIUM

WIDTHS = {"desktop": (1280, 1000), "phone": (390, 844)}
ORDER_NUMBER = re.compile(r"^onggi-\d{6}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture(scope="module")
def shop(gage, gage_verify, tmp_path_factory):
    source = tmp_path_factory.mktemp("journey") / "shop"
    source.mkdir()
    shutil.copy(ROOT / "shop.yml", source / "shop.yml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, source / folder)
    yield from serve_sandbox(gage, source, "gage-serve-journey.log")


@pytest.fixture(params=list(WIDTHS))
def width(request, driver, shop):
    """Each test at desktop and at phone width, starting with an empty cart."""
    driver.set_window_size(*WIDTHS[request.param])
    driver.get(shop["url"] + "/")
    driver.execute_script("localStorage.clear(); sessionStorage.clear()")
    yield request.param
    driver.set_window_size(*WIDTHS["desktop"])


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def no_sideways_scroll(driver):
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


# --------------------------------------------------------------------------------------------- the order page

def test_a_popup_payment_shows_an_order_page_with_what_comes_next(driver, shop, width):
    add_to_cart(driver, shop, "hojicha")
    fill_checkout(driver, shop)
    assert heading(driver) == "장바구니"
    pay(driver)
    text = result_text(driver)
    shot(driver, f"journey-paid-{width}")
    assert heading(driver) == "주문 완료"                                   # not 장바구니 over the result
    assert driver.title.startswith("주문 완료 | ")
    assert "결제가 완료되었습니다" in text and "호지차" in text
    assert "다음 안내" in text and "송장번호" in text
    assert driver.find_element(By.CSS_SELECTOR, "[data-mail-sent]").text == "주문 확인 메일을 gildong@example.kr(으)로 보냈습니다."
    number = driver.find_element(By.XPATH, "//dt[.='주문번호']/following-sibling::dd[1]").text
    assert ORDER_NUMBER.match(number) and len(number) <= 24
    assert driver.find_element(By.CSS_SELECTOR, "[data-continue-shopping]").get_attribute("pathname") == "/"
    assert no_sideways_scroll(driver)
    lookup = driver.find_element(By.CSS_SELECTOR, "[data-result] [data-order-lookup-link]")
    assert lookup.get_attribute("href").endswith("/orders/lookup/?order=" + urllib.parse.quote(number))
    lookup.click()
    wait(driver).until(ec.url_contains("/orders/lookup/"))
    assert driver.find_element(By.NAME, "order").get_attribute("value") == number


def test_a_phone_redirect_to_a_virtual_account_shows_the_deadline_and_copies_the_account(driver, shop, width):
    add_to_cart(driver, shop, "earl-grey", {"형태": "티백 20개"})
    fill_checkout(driver, shop, pay_method="vbank")
    pay(driver, action="vbank", redirect=True)
    wait(driver).until(ec.url_contains("/checkout/complete/"))
    text = result_text(driver)
    shot(driver, f"journey-vbank-{width}")
    assert heading(driver) == "입금 대기"
    assert "입금 기한" in text and "기한이 지나면 주문은 자동으로 취소됩니다" in text
    # The e-mail was typed on the cart page; the redirect page knows it from this tab.
    assert "gildong@example.kr" in driver.find_element(By.CSS_SELECTOR, "[data-mail-sent]").text
    account = driver.find_element(By.XPATH, "//dt[.='계좌번호']/following-sibling::dd[1]").text
    copy = driver.find_element(By.CSS_SELECTOR, "[data-copy]")
    assert copy.get_attribute("data-copy") == account
    copy.click()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".copy-status").text)
    assert driver.find_element(By.CSS_SELECTOR, ".copy-status").text in ("계좌번호를 복사했습니다.",
                                                                         "복사하지 못했습니다. 계좌번호를 길게 눌러 복사해 주세요.")
    assert driver.find_element(By.CSS_SELECTOR, "[data-order-lookup-link]").is_displayed()
    assert no_sideways_scroll(driver)


def test_a_payment_that_did_not_go_through_says_so_in_the_heading(driver, shop, width):
    add_to_cart(driver, shop, "chamomile")
    fill_checkout(driver, shop)
    pay(driver, action="close")                                            # popup: the buyer stays in the cart
    assert "결제가 진행되지 않았습니다" in result_text(driver)
    assert heading(driver) == "장바구니"
    assert driver.find_elements(By.CSS_SELECTOR, "[data-result] [data-order-lookup-link]") == []
    pay(driver, action="fail", redirect=True)                               # phone: the result page
    wait(driver).until(ec.url_contains("/checkout/complete/"))
    result_text(driver)
    assert heading(driver) == "결제 실패"
    assert driver.find_element(By.CSS_SELECTOR, "[data-continue-shopping]").is_displayed()


# ----------------------------------------------------------------------------------------------------- forms

def error_of(driver, field):
    return driver.find_element(By.ID, field + "-error").text


def test_a_field_error_clears_as_soon_as_the_field_is_fixed(driver, shop, width):
    add_to_cart(driver, shop, "hojicha")
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
    name = driver.find_element(By.ID, "buyer_name")
    name.send_keys("홍")                                                   # before the first try: nothing said
    assert error_of(driver, "buyer_tel") == ""
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    assert error_of(driver, "buyer_tel") == "휴대폰 번호를 010-1234-5678 형식으로 입력해 주세요."
    assert error_of(driver, "buyer_email") == "올바른 이메일 주소를 입력해 주세요."
    status = driver.find_element(By.CSS_SELECTOR, "[data-checkout-status]")
    assert "is-error" in status.get_attribute("class")
    tel = driver.find_element(By.ID, "buyer_tel")
    tel.send_keys("010-1234")
    assert error_of(driver, "buyer_tel") != ""                             # still wrong while half typed
    tel.send_keys("-5678")
    assert error_of(driver, "buyer_tel") == ""
    assert tel.get_attribute("aria-invalid") == "false"
    assert error_of(driver, "buyer_email") != ""                           # the others stay until fixed
    name.clear()
    name.send_keys(" ")
    assert error_of(driver, "buyer_name") == "이름을 입력해 주세요."          # and come back when broken again
    shot(driver, f"journey-form-errors-{width}")


def test_a_quantity_over_the_limit_is_lowered_and_says_why(driver, shop, width):
    driver.get(shop["url"] + "/products/chamomile/")
    field = driver.find_element(By.ID, "quantity")
    field.clear()
    field.send_keys("99")
    driver.find_element(By.TAG_NAME, "h1").click()                          # leaving the field
    assert field.get_attribute("value") == "10"
    note = driver.find_element(By.CSS_SELECTOR, "[data-quantity-note]")
    assert note.text == "1회 최대 10개까지 주문할 수 있어 10개로 맞췄습니다."
    driver.find_element(By.CSS_SELECTOR, 'button[value="cart"]').click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-buy-status]"), "담았습니다"))
    driver.get(shop["url"] + "/cart/")
    quantity = wait(driver).until(ec.visibility_of_element_located((By.ID, "cart-quantity-0")))
    # Typed over the whole value, as a buyer selects it and types (clear() would itself send a change).
    quantity.send_keys(Keys.CONTROL, "a")
    quantity.send_keys("99")
    driver.find_element(By.CSS_SELECTOR, "[data-subtotal]").click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".cart-line [data-quantity-note]"))
    assert driver.find_element(By.ID, "cart-quantity-0").get_attribute("value") == "10"
    assert "최대 10개" in driver.find_element(By.CSS_SELECTOR, ".cart-line [data-quantity-note]").text
    shot(driver, f"journey-clamped-{width}")


def test_a_minor_blocked_message_is_styled_as_an_error(driver, shop, width):
    driver.get(shop["url"] + "/products/yangpyeong-makgeolli/")
    driver.find_element(By.CSS_SELECTOR, 'button[value="cart"]').click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-buy-status]"), "담았습니다"))
    fill_checkout(driver, shop)
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    field = wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox-birthday")))
    driver.execute_script("arguments[0].value = arguments[1]", field, "2012-01-01")
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="certify"]').click()
    status = driver.find_element(By.CSS_SELECTOR, "[data-checkout-status]")
    wait(driver).until(lambda d: "19세 미만" in status.text)
    assert "is-error" in status.get_attribute("class")
    red = driver.execute_script("return getComputedStyle(arguments[0]).color", status)
    assert red != driver.execute_script("return getComputedStyle(document.body).color")


# ---------------------------------------------------------------------------------------------------- search

def search_results(driver, query):
    field = driver.find_element(By.ID, "site-search-query")
    field.clear()
    field.send_keys(query)
    wait(driver).until(lambda d: d.execute_script("return document.getElementById('site-search-query').value") == query
                       and d.find_elements(By.CSS_SELECTOR, "#site-search-results .search-hit, #site-search-results .search-empty"))
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#site-search-results .search-hit-title")]


COFFEES = {"에티오피아 예가체프 원두 200g", "콜롬비아 수프리모", "디카페인 콜롬비아", "온기 하우스 블렌드", "케냐 AA 키앙가"}


def test_search_finds_a_category_and_english_words(driver, shop, width):
    driver.get(shop["url"] + "/about/")
    found = search_results(driver, "커피")
    assert {t for t in found if t in COFFEES} == COFFEES, found             # all five, by their category 커피 원두
    assert set(search_results(driver, "coffee")) == COFFEES
    assert search_results(driver, "kettle") == ["스테인리스 드립 주전자 600ml"]
    assert search_results(driver, "Earl Grey") == ["얼그레이 프렌치 블루"]
    shot(driver, f"journey-search-english-{width}")


def test_search_says_nothing_was_found_once(driver, shop, width):
    driver.get(shop["url"] + "/search/?q=" + urllib.parse.quote("없는상품"))
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "main [data-search-status]"), "찾는 상품이 없습니다."))
    assert driver.find_element(By.TAG_NAME, "main").text.count("찾는 상품이 없습니다.") == 1
    driver.get(shop["url"] + "/about/")
    assert search_results(driver, "없는상품") == []
    assert driver.find_element(By.ID, "site-search-results").text == "찾는 상품이 없습니다."


# ----------------------------------------------------------------------------------------------------- phone

def box(driver, element):
    return driver.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]", element)


def test_the_cart_line_keeps_its_controls_on_one_row(driver, shop, width):
    add_to_cart(driver, shop, "ethiopia-yirgacheffe", {"분쇄도": "에스프레소용"})
    driver.get(shop["url"] + "/cart/")
    line = wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".cart-line")))
    parts = {name: box(driver, line.find_element(By.CSS_SELECTOR, selector)) for name, selector in
             {"unit": ".cart-line-unit", "quantity": ".cart-line-quantity input", "total": ".cart-line-total",
              "remove": ".link-button"}.items()}
    title = box(driver, line.find_element(By.CSS_SELECTOR, ".cart-line-title"))
    shot(driver, f"journey-cart-line-{width}")
    middles = [(b[1] + b[3]) / 2 for b in parts.values()]
    assert max(middles) - min(middles) < 4, parts                           # one row: 삭제 not floating mid-row
    lefts = [parts[n][0] for n in ("unit", "quantity", "total", "remove")]
    assert lefts == sorted(lefts)                                           # in reading order
    assert parts["remove"][2] <= box(driver, line)[2] + 1                   # 삭제 at the row's end
    if width == "phone":
        assert title[3] <= min(b[1] for b in parts.values())                # the title above the controls
    else:
        assert abs((title[1] + title[3]) / 2 - middles[0]) < 30             # all on one row
    assert no_sideways_scroll(driver)


def test_product_pages_say_what_shipping_costs_and_keep_buying_in_reach(driver, shop, width):
    driver.get(shop["url"] + "/products/ethiopia-yirgacheffe/")
    assert driver.find_element(By.CSS_SELECTOR, "[data-shipping-note]").text == "배송비 3,000원 (50,000원 이상 구매 시 무료 배송)"
    bar = driver.find_element(By.CSS_SELECTOR, "[data-buy-bar]")
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    time.sleep(0.3)
    shot(driver, f"journey-buy-bar-{width}")
    if width == "desktop":
        assert not bar.is_displayed()                                      # the form's buttons sit beside the photo
        return
    wait(driver).until(lambda d: bar.is_displayed())
    left, top, right, bottom = box(driver, bar)
    assert abs(bottom - driver.execute_script("return window.innerHeight")) < 2
    assert left == 0 and right == driver.execute_script("return document.documentElement.clientWidth")
    assert "18,000원" in bar.text
    # The page's last line is not hidden behind the bar.
    footer_bottom = driver.execute_script("return document.querySelector('footer').getBoundingClientRect().bottom")
    assert footer_bottom <= top + 1
    Select(driver.find_element(By.CSS_SELECTOR, 'select[data-option="분쇄도"]')).select_by_value("홀빈")
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    wait(driver).until(lambda d: bar.is_displayed())
    bar.find_element(By.CSS_SELECTOR, "button").click()
    wait(driver).until(ec.url_contains("/cart/"))
    assert "에티오피아 예가체프" in wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".cart-line"))).text


@pytest.mark.parametrize("narrow", [320, 360, 390])
def test_no_page_scrolls_sideways_on_a_phone(driver, shop, narrow):
    driver.set_window_size(narrow, 800)
    try:
        add_to_cart(driver, shop, "ethiopia-yirgacheffe", {"분쇄도": "홀빈"})
        for path in ("/", "/products/ethiopia-yirgacheffe/", "/cart/", "/search/?q=coffee", "/orders/lookup/?order=x",
                     "/checkout/complete/?merchant_uid=onggi-none"):
            driver.get(shop["url"] + path)
            time.sleep(0.3)
            assert no_sideways_scroll(driver), f"{path} scrolls sideways at {narrow} px"
    finally:
        driver.set_window_size(*WIDTHS["desktop"])
        driver.execute_script("localStorage.clear()")


def test_the_new_parts_have_no_serious_accessibility_violations(driver, shop, width):
    from axe_selenium_python import Axe
    add_to_cart(driver, shop, "earl-grey", {"형태": "티백 20개"})
    fill_checkout(driver, shop, pay_method="vbank")
    pay(driver, action="vbank")
    result_text(driver)
    problems = {}
    for name in ("result", "product"):
        if name == "product":
            driver.get(shop["url"] + "/products/ethiopia-yirgacheffe/")
            driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
            time.sleep(0.3)
        axe = Axe(driver)
        axe.inject()
        serious = [v["id"] for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            problems[name] = serious
    assert problems == {}


# -------------------------------------------------------------------------------------------------- easy pay

def sandbox_v1_payments(shop):
    with urllib.request.urlopen(shop["url"] + "/__iamport/__sandbox/payments") as response:
        return json.loads(response.read())


V1_EASY_PAY = {"kakaopay": ("카카오페이", "TC0ONETIME"), "naverpay": ("네이버페이", "np_test01"),
               "tosspay": ("토스페이", "tosstest")}


@pytest.mark.parametrize("brand", list(V1_EASY_PAY))
def test_v1_easy_pay_buttons_pay_through_their_own_channel(driver, shop, width, brand):
    label, mid = V1_EASY_PAY[brand]
    add_to_cart(driver, shop, "hojicha")
    fill_checkout(driver, shop)
    button = driver.find_element(By.CSS_SELECTOR, f'[data-easy-pay="{brand}"]')
    assert button.text == label
    button.click()
    window = wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))
    assert f"{label} 테스트 결제창" in window.text
    assert driver.find_element(By.CSS_SELECTOR, "[data-sandbox-method]").text == f"card · {brand}.{mid}"
    if brand == "naverpay":                       # Naver's review needs the product list
        assert driver.find_element(By.CSS_SELECTOR, "[data-sandbox-naver-products]").text == "교토 호지차 80g × 1"
    shot(driver, f"journey-easy-pay-{brand}-{width}")
    if width == "phone":                          # the phone's flow: back through checkout/complete/
        driver.find_element(By.ID, "imp-sandbox-redirect").click()
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="approve"]').click()
    if width == "phone":
        wait(driver).until(ec.url_contains("/checkout/complete/"))
    text = result_text(driver)
    assert "결제가 완료되었습니다" in text and heading(driver) == "주문 완료"
    payment = sandbox_v1_payments(shop)[-1]
    assert (payment["pg_provider"], payment["pg_id"], payment["emb_pg_provider"]) == (brand, mid, None)
    assert ledger_orders(shop)[payment["imp_uid"]]["status"] == "paid"


def test_v1_an_adult_paying_with_an_easy_pay_on_a_phone_comes_back_from_identity_to_that_easy_pay(driver, shop):
    driver.get(shop["url"] + "/")
    driver.execute_script("localStorage.clear(); sessionStorage.clear()")
    add_to_cart(driver, shop, "andong-soju")
    fill_checkout(driver, shop)
    driver.find_element(By.CSS_SELECTOR, '[data-easy-pay="naverpay"]').click()
    field = wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox-birthday")))
    driver.execute_script("arguments[0].value = arguments[1]", field, "1985-10-10")
    driver.find_element(By.ID, "imp-sandbox-redirect").click()                  # the phone leaves for identity
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="certify"]').click()
    window = wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, '[data-sandbox-action="approve"]')))
    assert "네이버페이 테스트 결제창" in driver.find_element(By.ID, "imp-sandbox").text  # back on the cart: still 네이버페이
    window.click()
    assert "결제가 완료되었습니다" in result_text(driver)
    assert sandbox_v1_payments(shop)[-1]["pg_provider"] == "naverpay"


def test_v1_an_easy_pay_the_shop_did_not_enable_is_refused_and_refunded(driver, shop, width):
    add_to_cart(driver, shop, "hojicha")
    fill_checkout(driver, shop)
    # What an edited page does: send the 카카오페이 button through another easy pay's channel.
    driver.execute_script("""
        var original = IMP.request_pay;
        IMP.request_pay = function (params, callback) { params.pg = 'payco.PARTNERTEST'; return original.call(IMP, params, callback); };
    """)
    driver.find_element(By.CSS_SELECTOR, '[data-easy-pay="kakaopay"]').click()
    wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="approve"]').click()
    text = result_text(driver)
    assert "주문을 받을 수 없습니다" in text and "환불" in text
    payment = sandbox_v1_payments(shop)[-1]
    assert payment["pg_provider"] == "payco" and payment["status"] == "cancelled"


@pytest.fixture(scope="module")
def shop_v2(gage, gage_verify, tmp_path_factory):
    source = tmp_path_factory.mktemp("journey-v2") / "shop"
    shutil.copytree(ROOT / "examples" / "portone-v2", source)
    yield from serve_sandbox(gage, source, "gage-serve-journey-v2.log")


def v2_payments(shop):
    with urllib.request.urlopen(shop["url"] + "/__portone/__sandbox/payments") as response:
        return json.loads(response.read())


EASY_CHANNEL = "channel-key-9f8e7d6c-easy-4000-8000-000000000004"        # examples/portone-v2/shop.yml


@pytest.mark.parametrize("provider", ["KAKAOPAY", "NAVERPAY", "TOSSPAY"])
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_v2_easy_pay_buttons_pay_as_easy_pay_with_their_provider(driver, shop_v2, provider, phone):
    driver.set_window_size(*WIDTHS["phone" if phone else "desktop"])
    try:
        driver.get(shop_v2["url"] + "/")
        driver.execute_script("localStorage.clear(); sessionStorage.clear()")
        add_to_cart(driver, shop_v2, "filter-paper")
        fill_checkout(driver, shop_v2, pay_method="CARD")
        driver.find_element(By.CSS_SELECTOR, f'[data-easy-pay="{provider.lower()}"]').click()
        wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))
        assert driver.find_element(By.CSS_SELECTOR, "[data-sandbox-method]").text == f"간편결제 ({provider}) · {EASY_CHANNEL}"
        if phone:
            driver.find_element(By.ID, "imp-sandbox-redirect").click()
        driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="approve"]').click()
        if phone:
            wait(driver).until(ec.url_contains("/checkout/complete/"))
        text = result_text(driver)
        assert "결제가 완료되었습니다" in text and heading(driver) == "주문 완료"
        payment = v2_payments(shop_v2)[-1]
        assert payment["status"] == "PAID" and payment["channel"]["key"] == EASY_CHANNEL
        assert payment["method"]["type"] == "PaymentMethodEasyPay" and payment["method"]["provider"] == provider
        assert ledger_orders(shop_v2, "merchant_uid")[payment["id"]]["status"] == "paid"
    finally:
        driver.set_window_size(*WIDTHS["desktop"])


def test_v2_an_easy_pay_provider_the_shop_did_not_enable_is_never_approved(driver, shop_v2):
    driver.get(shop_v2["url"] + "/")
    driver.execute_script("localStorage.clear()")
    add_to_cart(driver, shop_v2, "filter-paper")
    fill_checkout(driver, shop_v2, pay_method="CARD")
    driver.execute_script("""
        var original = PortOne.requestPayment;
        PortOne.requestPayment = function (request) { request.easyPay = { easyPayProvider: 'PAYCO' }; return original.call(PortOne, request); };
    """)
    driver.find_element(By.CSS_SELECTOR, '[data-easy-pay="kakaopay"]').click()
    wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="approve"]').click()
    text = result_text(driver)
    assert "결제가 완료되었습니다" not in text
    payment = v2_payments(shop_v2)[-1]
    assert payment["status"] != "PAID"
    assert ledger_orders(shop_v2, "merchant_uid").get(payment["id"], {}).get("status") != "paid"

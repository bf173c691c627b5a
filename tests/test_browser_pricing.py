"""SPEC §11 in a real headless Chromium against `gage serve --sandbox` (the Iamport stand-in, gage-verify as CGI): a
timed sale shown by the buyer's clock (the page clock moved with a script run before every document) and switching
back at its end without a reload, a 제주 address adding its surcharge as soon as the postcode is typed, and a
discount code typed in the cart, paid and recorded. Screenshots go to test-artifacts/browser/."""
import datetime
import shutil
import time

import pytest

from browser_kit import NEEDS_CHROMIUM, add_to_cart, fill_checkout, ledger_orders, pay, result_text, serve_sandbox, shot, wait
from browser_kit import driver  # noqa: F401 (fixture, used by name)
from conftest import ROOT

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

pytestmark = NEEDS_CHROMIUM

KST = datetime.timezone(datetime.timedelta(hours=9))
NOW = int(time.time())
SALE_FROM = (NOW - 3600) // 60 * 60        # shop.yml writes minutes
SALE_UNTIL = (NOW + 3600) // 60 * 60


def korean(seconds):
    return datetime.datetime.fromtimestamp(seconds, KST).strftime("%Y-%m-%d %H:%M")


@pytest.fixture(scope="module")
def shop(gage, gage_verify, tmp_path_factory):
    shop = tmp_path_factory.mktemp("pricing") / "shop"
    shop.mkdir()
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, shop / folder)
    settings = (ROOT / "shop.yml").read_text()
    settings = settings.replace("    free_over: 50000                  # 상품 금액 5만원 이상 무료 배송",
                                "    free_over: 50000\n    jeju: 3000\n    remote: 5000")
    settings += ("\ndiscounts:\n  - code: WELCOME10\n    percent: 10\n"
                 "  - code: LASTYEAR\n    amount: 2000\n    ends: 2020-12-31\n")
    (shop / "shop.yml").write_text(settings)
    chamomile = shop / "content/products/chamomile.md"
    chamomile.write_text(chamomile.read_text().replace(
        "price: 9800\n", f"price: 9800\nsale: {{price: 7900, from: {korean(SALE_FROM)}, until: {korean(SALE_UNTIL)}}}\n", 1))
    yield from serve_sandbox(gage, shop, "gage-serve-pricing.log")


@pytest.fixture()
def clock(driver, shop):
    """Moves the page's clock by an offset (seconds) for every document loaded after, and clears the cart."""
    scripts = []

    def move(offset):
        source = ("(() => { const offset = %d * 1000; const RealDate = Date;"
                  " class ShiftedDate extends RealDate { constructor(...a) { if (a.length === 0) super(RealDate.now() + offset);"
                  " else super(...a); } static now() { return RealDate.now() + offset; } }"
                  " window.Date = ShiftedDate; })();" % offset)
        scripts.append(driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})["identifier"])

    driver.get(shop["url"] + "/")
    driver.execute_script("localStorage.clear()")
    yield move
    for identifier in scripts:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": identifier})


def price_text(driver):
    return driver.find_element(By.CSS_SELECTOR, "[data-price]").text


def test_1_inside_the_sale_the_page_shows_the_sale_price_and_it_is_paid(driver, shop, clock):
    driver.get(f"{shop['url']}/products/chamomile/")
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-sale-price]")))
    assert driver.find_element(By.CSS_SELECTOR, "[data-price] del").text.endswith("9,800원")
    assert driver.find_element(By.CSS_SELECTOR, "[data-sale-price]").text == "7,900원"
    assert "까지" in driver.find_element(By.CSS_SELECTOR, "[data-sale-ends]").text
    shot(driver, "pricing-01-sale-on")
    add_to_cart(driver, shop, "chamomile", quantity=2)
    fill_checkout(driver, shop)
    assert driver.find_element(By.CSS_SELECTOR, "[data-subtotal]").text == "15,800원"
    assert driver.find_element(By.CSS_SELECTOR, "[data-total]").text == "18,800원"
    pay(driver)
    assert "결제가 완료되었습니다" in result_text(driver)
    assert any(order["amount"] == 18800 and order["status"] == "paid" for order in ledger_orders(shop).values())


def test_2_after_the_sale_by_the_buyers_clock_the_regular_price_shows(driver, shop, clock):
    clock(SALE_UNTIL - NOW + 600)
    driver.get(f"{shop['url']}/products/chamomile/")
    assert driver.find_elements(By.CSS_SELECTOR, "[data-sale-price]") == []
    assert "9,800원" in price_text(driver)
    shot(driver, "pricing-02-sale-over")


def test_3_the_sale_ends_on_the_open_page_without_a_reload(driver, shop, clock):
    clock(SALE_UNTIL - int(time.time()) - 4)     # four seconds before the end, by the page's clock
    driver.get(f"{shop['url']}/products/chamomile/")
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-sale-price]")))
    marker = driver.execute_script("window.__same_document = true; return true")
    wait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-sale-price]"))
    assert marker and driver.execute_script("return window.__same_document === true")
    assert "9,800원" in price_text(driver)


def chamomile_card(driver):
    return driver.find_element(By.CSS_SELECTOR, '.card a[href$="/products/chamomile/"] .card-price')


def test_3b_list_cards_follow_the_buyers_clock_too(driver, shop, clock):
    """A category page is static like the product page: its card of a product on sale shows the sale price while
    the buyer's clock is inside the window, and the regular price after it."""
    driver.get(f"{shop['url']}/categories/tea/")
    wait(driver).until(lambda d: chamomile_card(d).find_elements(By.CSS_SELECTOR, "[data-sale-price]"))
    card = chamomile_card(driver)
    assert card.find_element(By.CSS_SELECTOR, "[data-sale-price]").text == "7,900원"
    assert card.find_element(By.CSS_SELECTOR, "del").text.endswith("9,800원")
    shot(driver, "pricing-03b-card-on-sale")
    clock(SALE_UNTIL - NOW + 600)
    driver.get(f"{shop['url']}/categories/tea/")
    time.sleep(0.5)        # the sale module is fetched on demand: give it the time it would take to change the card
    card = chamomile_card(driver)
    assert card.find_elements(By.CSS_SELECTOR, "[data-sale-price]") == [] and "9,800원" in card.text


def test_4_a_jeju_postcode_adds_the_surcharge_as_soon_as_it_is_typed(driver, shop, clock):
    add_to_cart(driver, shop, "hojicha", quantity=4)          # 54,000: free_over waives the fee, not the surcharge
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
    assert driver.find_element(By.CSS_SELECTOR, "[data-surcharge-pending]").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "[data-subtotal]").text == "54,000원"
    assert driver.find_element(By.CSS_SELECTOR, "[data-total]").text == "54,000원"
    for field, value in {"buyer_name": "홍길동", "buyer_tel": "010-1234-5678", "buyer_email": "gildong@example.kr",
                         "buyer_postcode": "63309", "buyer_addr": "제주특별자치도 제주시 첨단로 242"}.items():
        driver.find_element(By.ID, field).send_keys(value)
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-surcharge]")))
    assert driver.find_element(By.CSS_SELECTOR, "[data-surcharge]").text == "3,000원"
    expected = 54000 + 3000
    assert driver.find_element(By.CSS_SELECTOR, "[data-total]").text == "57,000원"
    shot(driver, "pricing-04-jeju")
    driver.find_element(By.CSS_SELECTOR, 'input[name="pay_method"][value="card"]').click()
    driver.find_element(By.ID, "agree").click()
    pay(driver)
    assert "결제가 완료되었습니다" in result_text(driver)
    jeju = [o for o in ledger_orders(shop).values() if o["amount"] == expected and o.get("surcharge") == 3000]
    assert jeju and jeju[0]["status"] == "paid"


def test_5_a_discount_code_is_applied_paid_and_recorded_and_an_expired_one_says_why(driver, shop, clock):
    add_to_cart(driver, shop, "hojicha", quantity=1)
    fill_checkout(driver, shop)
    code = driver.find_element(By.ID, "discount_code")
    code.send_keys("lastyear")
    driver.find_element(By.CSS_SELECTOR, "[data-discount-apply]").click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-discount-status]"), "기간이 지난"))
    code.clear()
    code.send_keys(" welcome10 ")
    driver.find_element(By.CSS_SELECTOR, "[data-discount-apply]").click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-discount-status]"), "할인"))
    discount, expected = 1350, 13500 - 1350 + 3000       # 10 % of 13,500; under free_over: the fee applies
    assert driver.find_element(By.CSS_SELECTOR, "[data-discount]").text == "−1,350원"
    assert driver.find_element(By.CSS_SELECTOR, "[data-total]").text == "15,150원"
    shot(driver, "pricing-05-code")
    pay(driver)
    assert "결제가 완료되었습니다" in result_text(driver)
    paid = [o for o in ledger_orders(shop).values() if o.get("discount_code") == "WELCOME10"]
    assert paid and (paid[0]["status"], paid[0]["amount"], paid[0]["discount"]) == ("paid", expected, discount)
    # 주문조회 shows what the code took off, as the cart did.
    driver.get(shop["url"] + "/orders/lookup/?order=" + paid[0]["merchant_uid"])
    form = driver.find_element(By.CSS_SELECTOR, "[data-order-lookup]")
    form.find_element(By.NAME, "phone").send_keys("010-1234-5678")
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".lookup-result dl")))
    row = driver.find_element(By.XPATH, "//dt[.='할인 (WELCOME10)']/following-sibling::dd[1]")
    assert row.text == "-1,350원"
    shot(driver, "pricing-05-lookup")


# ------------------------------------------------------------------------------------ V2: 면세 and a Jeju zipcode

@pytest.fixture(scope="module")
def v2_shop(gage, gage_verify, tmp_path_factory):
    source = tmp_path_factory.mktemp("pricing-v2") / "shop"
    shutil.copytree(ROOT / "examples" / "portone-v2", source)
    settings = (source / "shop.yml").read_text()
    assert "free_over: 50000" in settings
    (source / "shop.yml").write_text(settings.replace("free_over: 50000", "free_over: 50000\n    jeju: 3000", 1))
    tea = source / "content/products/earl-grey.md"
    tea.write_text(tea.read_text().replace("\nprice:", "\ntax_free: true\nprice:", 1))
    yield from serve_sandbox(gage, source, "gage-serve-pricing-v2.log")


def test_6_v2_a_tax_free_order_to_jeju_sends_taxFreeAmount_and_is_paid(driver, v2_shop):
    import json
    import urllib.request
    shop = v2_shop
    driver.get(shop["url"] + "/")
    driver.execute_script("localStorage.clear()")
    add_to_cart(driver, shop, "earl-grey", {"형태": "티백 20개"})  # 면세 (the test marks it so): 11,000 + 1,000
    add_to_cart(driver, shop, "filter-paper")                   # 과세 4,500
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
    tea = 12000
    for field, value in {"buyer_name": "홍길동", "buyer_tel": "010-1234-5678", "buyer_email": "gildong@example.kr",
                         "buyer_postcode": "63309", "buyer_addr": "제주특별자치도 제주시 첨단로 242"}.items():
        driver.find_element(By.ID, field).send_keys(value)
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-surcharge]")))
    driver.find_element(By.CSS_SELECTOR, 'input[name="pay_method"][value="CARD"]').click()
    driver.find_element(By.ID, "agree").click()
    pay(driver)
    assert "결제가 완료되었습니다" in result_text(driver)
    with urllib.request.urlopen(shop["url"] + "/__portone/__sandbox/payments") as response:
        payment = json.loads(response.read())[-1]
    assert payment["amount"]["taxFree"] == tea
    assert payment["amount"]["total"] == tea + 4500 + 3000 + 3000
    recorded = ledger_orders(shop, "merchant_uid")[payment["id"]]
    assert (recorded["status"], recorded["tax_free"], recorded["surcharge"]) == ("paid", tea, 3000)

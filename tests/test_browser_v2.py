"""The V2 example shop (examples/portone-v2) bought from in a real headless Chromium against `gage serve
--sandbox`: the real pages and checkout script calling `PortOne.requestPayment` on the sandbox's V2 SDK, the V2
stand-in, PortOne's signed confirm and webhook deliveries, and gage-verify run as CGI. Screenshots go to
test-artifacts/browser/ (v2-*)."""
import json
import shutil
import urllib.parse
import urllib.request

import pytest

from browser_kit import NEEDS_CHROMIUM, add_to_cart, fill_checkout, ledger_orders, pay, result_text, serve_sandbox, shot, wait
from browser_kit import driver, fresh  # noqa: F401 (fixtures, used by name)
from conftest import ROOT

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

pytestmark = NEEDS_CHROMIUM
STORE = "store-4f1e2d3c-5b6a-4c7d-8e9f-0a1b2c3d4e5f"      # examples/portone-v2/shop.yml
CARD_CHANNEL = "channel-key-9f8e7d6c-card-4000-8000-000000000001"


@pytest.fixture(scope="module")
def shop(gage, gage_verify, tmp_path_factory):
    source = tmp_path_factory.mktemp("serve-v2") / "shop"
    shutil.copytree(ROOT / "examples" / "portone-v2", source)
    yield from serve_sandbox(gage, source, "gage-serve-v2.log")


def v2_payments(shop):
    with urllib.request.urlopen(shop["url"] + "/__portone/__sandbox/payments") as response:
        return json.loads(response.read())


def test_v2_card_payment_is_confirmed_paid_and_recorded(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "decaf-colombia", quantity=2)                            # 2 × 17,000
    add_to_cart(driver, shop, "filter-paper")                                          # 4,500
    fill_checkout(driver, shop, pay_method="CARD")
    assert driver.find_element(By.CSS_SELECTOR, "[data-total]").text == "41,500원"     # + 3,000 shipping
    pay(driver, screenshot="v2-01-sandbox-window")
    text = result_text(driver)
    shot(driver, "v2-01-paid")
    assert "결제가 완료되었습니다" in text and "41,500원" in text
    payment = v2_payments(shop)[-1]
    assert payment["status"] == "PAID" and payment["amount"]["total"] == 41500
    assert payment["storeId"] == STORE and payment["channel"]["key"] == CARD_CHANNEL
    assert json.loads(payment["customData"])["items"][0]["sku"] == "DECAF-COL"
    recorded = ledger_orders(shop, "merchant_uid")[payment["id"]]
    assert recorded["status"] == "paid" and recorded["amount"] == 41500 and recorded["buyer"]["name"] == "홍길동"
    assert driver.execute_script("return localStorage.getItem('gage-cart:/')") == "[]"


def test_v2_tampered_amount_is_refused_at_confirm_and_never_paid(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "drip-kettle")                                           # 45,000 + 3,000
    fill_checkout(driver, shop, pay_method="CARD")
    # What an attacker does in devtools: ask PortOne for 100원 for a 48,000원 order, under a payment id of their own
    # so that the pre-registered amount does not stop it first (a tampered page can skip /prepare).
    driver.execute_script("""
        var original = PortOne.requestPayment;
        PortOne.requestPayment = function (request) {
          request.totalAmount = 100; request.paymentId += 'x'; return original.call(PortOne, request);
        };
    """)
    pay(driver)
    text = result_text(driver)
    shot(driver, "v2-02-tampered-refused-at-confirm")
    assert "결제가 완료되었습니다" not in text
    assert "결제 금액이 주문 금액과 다릅니다" in text                                   # the function's errorMessage
    payment = v2_payments(shop)[-1]
    assert payment["amount"]["total"] == 100 and payment["status"] == "FAILED"         # never approved: no money
    assert ledger_orders(shop, "merchant_uid").get(payment["id"], {}).get("status") != "paid"


def test_v2_tampered_amount_without_the_confirm_step_is_refunded(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "drip-kettle")
    fill_checkout(driver, shop, pay_method="CARD")
    # A store without PortOne's confirm process: the PG takes 100원 and only the function can undo it.
    driver.execute_script("""
        var original = PortOne.requestPayment;
        PortOne.requestPayment = function (request) {
          request.totalAmount = 100; request.paymentId += 'x'; delete request.confirmUrl;
          return original.call(PortOne, request);
        };
    """)
    pay(driver)
    text = result_text(driver)
    shot(driver, "v2-03-tampered-refunded")
    assert "주문을 받을 수 없습니다" in text and "환불" in text
    payment = v2_payments(shop)[-1]
    assert payment["status"] == "CANCELLED" and payment["amount"]["cancelled"] == 100
    recorded = ledger_orders(shop, "merchant_uid")[payment["id"]]
    assert recorded["status"] == "rejected" and recorded["refunded"] is True


def test_v2_mobile_redirect_comes_back_with_the_payment_id_and_is_paid(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "decaf-colombia", quantity=3)                            # 51,000: free shipping
    fill_checkout(driver, shop, pay_method="CARD")
    pay(driver, redirect=True)
    wait(driver).until(ec.url_contains("/checkout/complete/"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
    assert query["transactionType"] == ["PAYMENT"] and "code" not in query
    text = result_text(driver)
    shot(driver, "v2-04-redirect-paid")
    assert "결제가 완료되었습니다" in text and "51,000원" in text
    assert ledger_orders(shop, "merchant_uid")[query["paymentId"][0]]["status"] == "paid"


def test_v2_virtual_account_is_issued_then_a_signed_deposit_webhook_pays_it(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "filter-paper", quantity=2)                              # 9,000 + 3,000
    fill_checkout(driver, shop, pay_method="VIRTUAL_ACCOUNT")
    pay(driver, action="vbank")
    text = result_text(driver)
    shot(driver, "v2-05-awaiting-deposit")
    assert "가상계좌가 발급되었습니다" in text and "12,000원" in text
    issued = v2_payments(shop)[-1]
    assert issued["status"] == "VIRTUAL_ACCOUNT_ISSUED" and issued["method"]["accountNumber"] in text
    assert ledger_orders(shop, "merchant_uid")[issued["id"]]["status"] == "awaiting_deposit"
    driver.get(shop["url"] + "/__sandbox/")
    button = wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, f'[data-deposit="{issued["id"]}"]')))
    button.click()
    wait(driver).until(ec.text_to_be_present_in_element((By.ID, "result"), '"status":"paid"'))
    shot(driver, "v2-05-deposit-webhook-paid")
    assert [p for p in v2_payments(shop) if p["id"] == issued["id"]][0]["status"] == "PAID"
    assert ledger_orders(shop, "merchant_uid")[issued["id"]]["status"] == "paid"


def test_v2_closed_payment_window_pays_nothing_and_keeps_the_cart(fresh, shop):
    driver = fresh
    before = len(v2_payments(shop))
    add_to_cart(driver, shop, "decaf-colombia")
    fill_checkout(driver, shop, pay_method="CARD")
    pay(driver, action="close")
    text = result_text(driver)
    shot(driver, "v2-06-window-closed")
    assert "결제가 진행되지 않았습니다" in text
    assert len(v2_payments(shop)) == before
    assert json.loads(driver.execute_script("return localStorage.getItem('gage-cart:/')"))[0]["sku"] == "DECAF-COL"

"""The V2 example shop (examples/portone-v2) bought from in a real headless Chromium against `gage serve
--sandbox`: the real pages and checkout script calling `PortOne.requestPayment` on the sandbox's V2 SDK, the V2
stand-in, PortOne's signed confirm and webhook deliveries, and gage-verify run as CGI. Screenshots go to
test-artifacts/browser/ (v2-*)."""
import json
import shutil
import time
import urllib.error
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


# --------------------------------------------------------------------------- the sandbox SDK's billing-key and identity windows
# The checkout page's V2 subscribe and adult flows are not wired yet (the checkout script is being split into
# modules); these drive the sandbox SDK stand-in directly, as that page will, against the real function behind
# `gage serve --sandbox`.
BILLING_CHANNEL = "channel-key-9f8e7d6c-bill-4000-8000-000000000004"
IDENTITY_CHANNEL = "channel-key-9f8e7d6c-idvf-4000-8000-000000000005"


def start(driver, call):
    """Opens a PortOne SDK call on the cart page (which loads the SDK); its result lands in `window.__sdkResult`."""
    if not driver.current_url.split("?")[0].endswith("/cart/"):
        driver.get(driver.current_url.split("/", 3)[0] + "//" + driver.current_url.split("/", 3)[2] + "/cart/")
    wait(driver).until(lambda d: d.execute_script("return typeof PortOne !== 'undefined'"))
    driver.execute_script("window.__sdkResult = null; " + call +
                          ".then(function (r) { window.__sdkResult = r; }, function (e) { window.__sdkResult = {error: String(e)}; });")
    wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))


def sdk_result(driver):
    wait(driver).until(lambda d: d.execute_script("return window.__sdkResult"))
    return driver.execute_script("return window.__sdkResult")


def post_verify(shop, action, body):
    request = urllib.request.Request(shop["url"] + "/verify/" + action, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_v2_sandbox_sdk_issues_a_billing_key_that_the_function_subscribes_with(fresh, shop):
    driver = fresh
    start(driver, f"PortOne.requestIssueBillingKey({{storeId: '{STORE}', channelKey: '{BILLING_CHANNEL}', "
                  "billingKeyMethod: 'CARD', issueName: '정기배송', customer: {customerId: 'buyer-1'}})")
    shot(driver, "v2-07-billing-key-window")
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="register"]').click()
    result = sdk_result(driver)
    assert result["transactionType"] == "ISSUE_BILLING_KEY" and result["billingKey"].startswith("billing-key-")
    assert "code" not in result
    status, reply = post_verify(shop, "subscribe", {"billing_key": result["billingKey"], "interval": "2w",
                                                     "items": [{"sku": "BLD-HOUSE", "quantity": 1,
                                                                "options": {"분쇄도": "홀빈"}}]})
    assert status == 200 and reply["status"] == "subscribed", reply
    assert reply["amount"] == 12_600 + 3_000                                            # subscriber price + shipping
    # The console lists the next charge; time passes there: it runs, its signed webhook reaches the function.
    second = "onggi2-S" + reply["subscription"]["id"] + "-2"
    driver.get(shop["url"] + "/__sandbox/")
    wait(driver).until(ec.text_to_be_present_in_element((By.ID, "schedules"), second))
    shot(driver, "v2-07-console-schedule")
    with urllib.request.urlopen(urllib.request.Request(shop["url"] + "/__gage/sandbox/schedules/run", method="POST")) as r:
        runs = [run for run in json.loads(r.read())["runs"] if run.get("payment_id", "").startswith("onggi2-S" + reply["subscription"]["id"])]
    assert [(run["status"], run["webhook_status"], run["webhook"]["status"]) for run in runs] == [("paid", 200, "paid")]
    # The same key again is refused: a key is taken once.
    status, again = post_verify(shop, "subscribe", {"billing_key": result["billingKey"], "interval": "2w",
                                                     "items": [{"sku": "BLD-HOUSE", "quantity": 1, "options": {"분쇄도": "홀빈"}}]})
    assert status == 400 and "used before" in again["error"]


def test_v2_sandbox_sdk_billing_key_window_redirects_on_a_phone(fresh, shop):
    driver = fresh
    start(driver, f"PortOne.requestIssueBillingKey({{storeId: '{STORE}', channelKey: '{BILLING_CHANNEL}', "
                  f"billingKeyMethod: 'CARD', redirectUrl: '{shop['url']}/cart/'}})")
    driver.find_element(By.ID, "imp-sandbox-redirect").click()
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="register"]').click()
    wait(driver).until(ec.url_contains("billingKey="))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
    assert query["transactionType"] == ["ISSUE_BILLING_KEY"] and query["billingKey"][0].startswith("billing-key-")


@pytest.mark.parametrize("birth_date, adult", [("1990-05-05", True), ("2012-03-01", False)])
def test_v2_sandbox_sdk_verifies_identity_for_an_order_and_the_function_judges_the_age(fresh, shop, birth_date, adult):
    driver = fresh
    identity_id = "onggi2-" + birth_date.replace("-", "") + str(int(time.time() * 1000)) + "-iv"
    start(driver, f"PortOne.requestIdentityVerification({{storeId: '{STORE}', channelKey: '{IDENTITY_CHANNEL}', "
                  f"identityVerificationId: '{identity_id}'}})")
    birthday = driver.find_element(By.ID, "imp-sandbox-birthday")
    driver.execute_script("arguments[0].value = arguments[1]", birthday, birth_date)
    shot(driver, "v2-08-identity-window")
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="certify"]').click()
    result = sdk_result(driver)
    assert result["transactionType"] == "IDENTITY_VERIFICATION" and result["identityVerificationId"] == identity_id
    assert "code" not in result
    status, reply = post_verify(shop, "identity", {"identity_verification_id": identity_id})
    assert status == 200 and reply == {"ok": True, "adult": adult}


def test_v2_sandbox_sdk_identity_window_redirects_on_a_phone_and_a_closed_window_verifies_nothing(fresh, shop):
    driver = fresh
    identity_id = "onggi2-redirect" + str(int(time.time() * 1000)) + "-iv"
    start(driver, f"PortOne.requestIdentityVerification({{storeId: '{STORE}', channelKey: '{IDENTITY_CHANNEL}', "
                  f"identityVerificationId: '{identity_id}', redirectUrl: '{shop['url']}/cart/'}})")
    driver.execute_script("arguments[0].value = '1990-05-05'", driver.find_element(By.ID, "imp-sandbox-birthday"))
    driver.find_element(By.ID, "imp-sandbox-redirect").click()
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="certify"]').click()
    wait(driver).until(ec.url_contains("identityVerificationId="))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
    assert query["identityVerificationId"] == [identity_id] and query["transactionType"] == ["IDENTITY_VERIFICATION"]
    closed = "onggi2-closed" + str(int(time.time() * 1000)) + "-iv"
    start(driver, f"PortOne.requestIdentityVerification({{storeId: '{STORE}', channelKey: '{IDENTITY_CHANNEL}', "
                  f"identityVerificationId: '{closed}'}})")
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="close"]').click()
    assert sdk_result(driver)["code"]
    assert post_verify(shop, "identity", {"identity_verification_id": closed}) == (200, {"ok": True, "adult": False})


# --------------------------------------------------------------------------- the V2 checkout page: 정기배송 and 성인인증

def seller_subscriptions(shop):
    import pathlib
    import subprocess
    if not pathlib.Path(shop["ledger"]).exists():
        return []
    listing = subprocess.run([str(shop["gage"]), "subscriptions", "list", "--json", "--ledger", shop["ledger"]],
                             capture_output=True, text=True, check=True)
    return json.loads(listing.stdout)


def certify_in_window(driver, birthday):
    field = wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox-birthday")))
    driver.execute_script("arguments[0].value = arguments[1]", field, birthday)
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="certify"]').click()


def test_v2_a_subscription_starts_on_the_page_is_managed_and_cancelled(fresh, shop):
    from selenium.webdriver.support.ui import Select
    driver = fresh
    driver.get(shop["url"] + "/products/house-blend/")
    driver.find_element(By.CSS_SELECTOR, 'input[name="purchase"][value="subscribe"]').click()
    Select(wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-interval]")))).select_by_value("4w")
    Select(driver.find_element(By.CSS_SELECTOR, 'select[data-option="분쇄도"]')).select_by_value("홀빈")
    driver.find_element(By.CSS_SELECTOR, 'button[value="cart"]').click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-buy-status]"), "담았습니다"))
    fill_checkout(driver, shop, pay_method=None)
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    window = wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))
    assert "카드 등록" in window.text and BILLING_CHANNEL in window.text
    shot(driver, "v2-09-page-billing-key-window")
    driver.find_element(By.CSS_SELECTOR, '[data-sandbox-action="register"]').click()
    text = result_text(driver)
    shot(driver, "v2-09-page-subscribed")
    assert "정기배송이 시작되었습니다" in text and "15,600원" in text and "다음 결제일" in text, text
    [subscription] = [s for s in seller_subscriptions(shop) if s["status"] == "active" and s["interval"] == "4w"]
    assert subscription["amount"] == 15_600
    manage = driver.find_element(By.CSS_SELECTOR, "[data-manage-link]").get_attribute("href")
    driver.get(manage)
    panel = wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-subscription-details]")))
    assert "이용 중" in panel.text and "4주마다" in panel.text
    driver.find_element(By.CSS_SELECTOR, "[data-cancel-subscription]").click()
    driver.find_element(By.CSS_SELECTOR, "[data-confirm-cancel]").click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-subscription-manage]"), "해지되었습니다"))
    shot(driver, "v2-09-page-cancelled")
    [ended] = [s for s in seller_subscriptions(shop) if s["id"] == subscription["id"]]
    assert ended["status"] == "cancelled"
    with urllib.request.urlopen(shop["url"] + "/__portone/__sandbox/schedules") as response:
        mine = [s for s in json.loads(response.read()) if f"S{subscription['id']}-" in s["paymentId"]]
    assert [s["status"] for s in mine] == ["REVOKED"]


def test_v2_an_adult_buys_makgeolli_after_identity_verification(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "yangpyeong-makgeolli", quantity=2)                    # 12,000 + 3,000
    fill_checkout(driver, shop, pay_method="CARD")
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    shot(driver, "v2-10-identity-window")
    certify_in_window(driver, "1990-05-05")
    wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, '[data-sandbox-action="approve"]'))).click()
    text = result_text(driver)
    shot(driver, "v2-10-adult-paid")
    assert "결제가 완료되었습니다" in text and "15,000원" in text
    paid = v2_payments(shop)[-1]
    assert json.loads(paid["customData"])["certification"] == paid["id"] + "-iv"
    recorded = ledger_orders(shop, "merchant_uid")[paid["id"]]
    assert recorded["status"] == "paid" and recorded["identity"]["certification"] == paid["id"] + "-iv"


def test_v2_a_minor_is_stopped_before_any_money_moves(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "yangpyeong-makgeolli")
    fill_checkout(driver, shop, pay_method="CARD")
    before = len(v2_payments(shop))
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    certify_in_window(driver, "2012-03-01")
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-checkout-status]"), "19세 미만"))
    shot(driver, "v2-11-minor-stopped")
    assert driver.find_elements(By.ID, "imp-sandbox") == []
    assert len(v2_payments(shop)) == before

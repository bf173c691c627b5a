"""Refunds in headless Chromium against `gage serve --sandbox`: the buyer's 주문 취소 and 반품 요청 buttons on the
order lookup page, and the sandbox console (`/__sandbox/`), which lists the refunds the stand-ins made and arms a
refusal of the next refund, answered as PortOne answers it."""
import json
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from browser_kit import (NEEDS_CHROMIUM, add_to_cart, fill_checkout, pay, result_text, serve_sandbox, shot,
                         wait)
from browser_kit import driver, fresh  # noqa: F401 (fixtures, used by name)
from conftest import ROOT

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def shop(gage, gage_verify, tmp_path_factory):
    source = tmp_path_factory.mktemp("refunds") / "shop"
    source.mkdir()
    shutil.copy(ROOT / "shop.yml", source / "shop.yml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, source / folder)
    yield from serve_sandbox(gage, source, "gage-serve-refunds.log")


def call(url, method="GET", body=None, headers=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_the_console_lists_refunds_and_makes_the_next_one_be_refused(fresh, shop):
    driver = fresh
    v2 = shop["url"] + "/__portone"
    secret = call(v2 + "/__sandbox/config")["secret"]
    payment_id = "shop-" + uuid.uuid4().hex[:12]
    call(v2 + "/__sandbox/payments", "POST", {"id": payment_id, "amount": 40000, "order_name": "원두"})
    auth = {"Authorization": "PortOne " + secret}
    call(f"{v2}/payments/{payment_id}/cancel", "POST",
         {"reason": "콘솔 테스트 환불", "amount": 7000, "currentCancellableAmount": 40000}, auth)

    driver.get(shop["url"] + "/__sandbox/")
    row = wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, f'[data-refund-of="{payment_id}"]')))
    assert "7,000원" in row.text and "콘솔 테스트 환불" in row.text
    shot(driver, "refunds-console")

    driver.find_element(By.ID, "refuse-next-refund").click()
    wait(driver).until(ec.text_to_be_present_in_element((By.ID, "result"), "거절합니다"))
    assert [f["kind"] for f in call(shop["url"] + "/__iamport/__sandbox/faults")] == ["refused"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        call(f"{v2}/payments/{payment_id}/cancel", "POST",
             {"reason": "거절될 환불", "amount": 1000, "currentCancellableAmount": 33000}, auth)
    assert refused.value.code == 502 and json.loads(refused.value.read())["type"] == "PG_PROVIDER"
    # Only the next one: the one after goes through.
    call(f"{v2}/payments/{payment_id}/cancel", "POST",
         {"reason": "다음 환불", "amount": 1000, "currentCancellableAmount": 33000}, auth)
    assert call(f"{v2}/payments/{payment_id}", headers=auth)["amount"]["cancelled"] == 8000
    call(shop["url"] + "/__iamport/__sandbox/faults", "DELETE")


def sandbox_payments(shop):
    return call(shop["url"] + "/__iamport/__sandbox/payments")


def paid_order(driver, shop, slug):
    add_to_cart(driver, shop, slug)
    fill_checkout(driver, shop)
    pay(driver)
    assert "결제가 완료되었습니다" in result_text(driver)
    return [p for p in sandbox_payments(shop) if p["status"] == "paid"][-1]


def look_up(driver, shop, number, phone="010-1234-5678"):
    driver.get(shop["url"] + "/orders/lookup/?order=" + number)
    form = driver.find_element(By.CSS_SELECTOR, "[data-order-lookup]")
    form.find_element(By.NAME, "phone").send_keys(phone)
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    return wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".lookup-result dl")))


def test_the_buyer_cancels_on_the_lookup_page_and_the_money_goes_back(fresh, shop):
    driver = fresh
    paid = paid_order(driver, shop, "hojicha")
    look_up(driver, shop, paid["merchant_uid"])
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-order-return]")
    driver.find_element(By.CSS_SELECTOR, "[data-order-cancel]").click()
    assert "모두 환불" in driver.find_element(By.CSS_SELECTOR, ".order-actions [role=alert]").text
    shot(driver, "refund-cancel-confirm")
    driver.find_element(By.ID, "order-cancel-reason").send_keys("잘못 주문했어요")
    driver.find_element(By.CSS_SELECTOR, '[data-confirm-order-action="cancel"]').click()
    notice = wait(driver, 20).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-order-notice]")))
    shot(driver, "refund-cancelled")
    amount = f"{paid['amount']:,}원"
    assert "주문이 취소되었습니다" in notice.text and amount in notice.text
    assert "주문 취소" in driver.find_element(By.CSS_SELECTOR, "[data-lookup-result]").text
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-order-cancel]")
    record = [p for p in sandbox_payments(shop) if p["imp_uid"] == paid["imp_uid"]][0]
    assert record["cancel_amount"] == paid["amount"] and len(record["cancel_history"]) == 1
    assert "잘못 주문했어요" in record["cancel_history"][0]["reason"]


def test_after_shipping_the_buyer_asks_for_a_return_on_the_lookup_page(fresh, shop):
    driver = fresh
    paid = paid_order(driver, shop, "hojicha")
    shipped = subprocess.run([str(shop["gage"]), "orders", "ship", paid["imp_uid"], "--carrier", "cj", "--tracking",
                              "123456789012", "--ledger", shop["ledger"]], capture_output=True, text=True)
    assert shipped.returncode == 0, shipped.stderr
    look_up(driver, shop, paid["merchant_uid"])
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-order-cancel]")
    driver.find_element(By.CSS_SELECTOR, "[data-order-return]").click()
    driver.find_element(By.ID, "order-return-reason").send_keys("색이 사진과 달라요")
    driver.find_element(By.CSS_SELECTOR, '[data-confirm-order-action="return"]').click()
    notice = wait(driver, 20).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-order-notice]")))
    shot(driver, "refund-return-requested")
    assert "반품 요청이 접수되었습니다" in notice.text
    assert driver.find_element(By.CSS_SELECTOR, '[data-open-request="return"]').is_displayed()
    requests = subprocess.run([str(shop["gage"]), "orders", "list", "--requests", "--ledger", shop["ledger"]],
                              capture_output=True, text=True)
    assert paid["merchant_uid"] in requests.stdout and "색이 사진과 달라요" in requests.stdout
    # Looked up again later: the request is shown, and no second one can be made.
    look_up(driver, shop, paid["merchant_uid"])
    assert driver.find_elements(By.CSS_SELECTOR, '[data-open-request="return"]')
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-order-return]")
    record = [p for p in sandbox_payments(shop) if p["imp_uid"] == paid["imp_uid"]][0]
    assert record["cancel_amount"] == 0

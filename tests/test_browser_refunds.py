"""The sandbox console (`gage serve --sandbox`, `/__sandbox/`) in headless Chromium: it lists the refunds the
stand-ins made and arms a refusal of the next refund, which the provider's API then answers as PortOne does."""
import json
import shutil
import urllib.error
import urllib.request
import uuid

import pytest

from browser_kit import NEEDS_CHROMIUM, serve_sandbox, shot, wait
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

"""What the headless-Chromium checkout tests share: `gage serve --sandbox` on a shop folder, one Chromium, and the
buyer's steps (add to cart, fill the checkout form, act in the sandbox payment window, read the result)."""
import json
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from conftest import ROOT, free_port

selenium = pytest.importorskip("selenium", reason="installed by scripts/setup")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
NEEDS_CHROMIUM = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromium-driver: scripts/setup")
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def serve_sandbox(gage: pathlib.Path, source: pathlib.Path, log_name: str):
    """Runs `gage serve --sandbox` on `source` until the generator is closed; yields the shop's URL, source,
    sandbox ledger and gage binary."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / log_name
    log = open(log_path, "w")
    process = subprocess.Popen([str(gage), "serve", "--sandbox", "--port", str(port), "--source", str(source)],
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while "Serving" not in log_path.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("gage serve did not start: " + log_path.read_text())
        time.sleep(0.1)
    ledger = re.search(r"--ledger (\S+)", log_path.read_text()).group(1)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "source": source, "ledger": ledger, "gage": gage}
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def chromium():
    """A headless Chromium, desktop-sized, in Korean."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000", "--lang=ko-KR"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return browser


@pytest.fixture(scope="module")
def driver():
    """One headless Chromium per test module."""
    browser = chromium()
    yield browser
    browser.quit()


@pytest.fixture()
def fresh(driver, shop):
    """Each scenario starts with an empty cart (`shop` is the test module's own `serve_sandbox` fixture)."""
    driver.get(shop["url"] + "/")
    driver.execute_script("localStorage.clear()")
    return driver


def wait(driver, seconds=15):
    return WebDriverWait(driver, seconds)


def shot(driver, name):
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def add_to_cart(driver, shop, slug, options=None, quantity=1):
    driver.get(f"{shop['url']}/products/{slug}/")
    for name, value in (options or {}).items():
        Select(driver.find_element(By.CSS_SELECTOR, f'select[data-option="{name}"]')).select_by_value(value)
    field = driver.find_element(By.ID, "quantity")
    field.clear()
    field.send_keys(str(quantity))
    driver.find_element(By.CSS_SELECTOR, 'button[value="cart"]').click()
    wait(driver).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-buy-status]"), "담았습니다"))


def fill_checkout(driver, shop, pay_method="card"):
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
    for field, value in {"buyer_name": "홍길동", "buyer_tel": "010-1234-5678", "buyer_email": "gildong@example.kr",
                         "buyer_postcode": "03154", "buyer_addr": "서울특별시 종로구 세종대로 1"}.items():
        driver.find_element(By.ID, field).send_keys(value)
    if pay_method:
        driver.find_element(By.CSS_SELECTOR, f'input[name="pay_method"][value="{pay_method}"]').click()
    driver.find_element(By.ID, "agree").click()


def pay(driver, action="approve", redirect=False, screenshot=None):
    driver.find_element(By.CSS_SELECTOR, "[data-pay]").click()
    wait(driver).until(ec.visibility_of_element_located((By.ID, "imp-sandbox")))
    if screenshot:
        shot(driver, screenshot)
    if redirect:
        driver.find_element(By.ID, "imp-sandbox-redirect").click()
    driver.find_element(By.CSS_SELECTOR, f'[data-sandbox-action="{action}"]').click()


def result_text(driver):
    """The result panel's text once the verify function has answered (the panel is re-rendered as it goes)."""
    read = "var m = document.querySelector('.result-message'); return m ? m.textContent : '';"
    wait(driver, 20).until(lambda d: (lambda text: text and not text.endswith("…"))(d.execute_script(read)))
    return driver.execute_script("return document.querySelector('[data-result]').innerText")


def ledger_orders(shop, key="imp_uid"):
    """The sandbox ledger's orders as `gage orders list --json` prints them, by `key` (V1: imp_uid; V2: the
    merchant's payment id, merchant_uid)."""
    listing = subprocess.run([str(shop["gage"]), "orders", "list", "--json", "--ledger", shop["ledger"]],
                             capture_output=True, text=True, check=True)
    return {order[key]: order for order in json.loads(listing.stdout)}

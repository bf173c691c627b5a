"""A shop's own theme files and the checkout modules, in a real headless Chromium against `gage serve --sandbox`:
one overridden module (in the nested assets/js/ folder) is the one the browser runs, and a base.mustache written
before the modules (loading {{site.js_url}} as a classic script) still starts the page's entry module."""
import json
import shutil

import pytest

from browser_kit import NEEDS_CHROMIUM, add_to_cart, serve_sandbox, wait
from browser_kit import driver, fresh  # noqa: F401 (fixtures, used by name)
from conftest import ROOT

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def themed_shop(tmp_path_factory):
    """The example shop with two theme overrides: base.mustache as it was before the modules, and format.js."""
    shop = tmp_path_factory.mktemp("theme") / "shop"
    shop.mkdir()
    shutil.copy(ROOT / "shop.yml", shop / "shop.yml")
    for folder in ("content", "static"):
        shutil.copytree(ROOT / folder, shop / folder)
    (shop / "templates" / "assets" / "js").mkdir(parents=True)
    base = (ROOT / "templates" / "base.mustache").read_text()
    entry = '<script type="module" src="{{script_url}}"></script>'
    assert entry in base
    (shop / "templates" / "base.mustache").write_text(base.replace(entry, '<script src="{{site.js_url}}" defer></script>'))
    money = (ROOT / "templates" / "assets" / "js" / "format.js").read_text()
    assert "sign + digits + '원'" in money
    (shop / "templates" / "assets" / "js" / "format.js").write_text(money.replace("sign + digits + '원'", "sign + digits + ' KRW'"))
    return shop


@pytest.fixture(scope="module")
def shop(gage, gage_verify, themed_shop):
    yield from serve_sandbox(gage, themed_shop, "gage-serve-theme.log")


def test_an_old_base_template_still_runs_the_product_and_cart_pages(fresh, shop):
    driver = fresh
    add_to_cart(driver, shop, "ethiopia-yirgacheffe", {"분쇄도": "에스프레소용"}, 2)
    assert driver.find_element(By.CSS_SELECTOR, "[data-cart-count]").text == "2"
    stored = json.loads(driver.execute_script("return localStorage.getItem('gage-cart:/')"))
    assert stored == [{"sku": "ETH-YIRG-200", "quantity": 2, "options": {"분쇄도": "에스프레소용"}}]
    driver.get(shop["url"] + "/cart/")
    wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-checkout-form]")))
    # The overridden format.js is the money format the cart shows: 2 × 18,500.
    assert driver.find_element(By.CSS_SELECTOR, "[data-subtotal]").text == "37,000 KRW"


def test_an_old_base_template_still_runs_the_search_box_on_a_list_page(fresh, shop):
    driver = fresh
    driver.get(shop["url"] + "/categories/coffee/")
    titles = (By.CSS_SELECTOR, "#site-search-results .search-hit-title")

    def typed_and_found(d):
        # The old template's script starts the modules only after the page has loaded: type again until they run.
        field = d.find_element(By.ID, "site-search-query")
        field.clear()
        field.send_keys("예가")
        return d.find_elements(*titles)
    wait(driver).until(typed_and_found)
    assert [e.text for e in driver.find_elements(*titles)] == ["에티오피아 예가체프 원두 200g"]

"""What a phone downloads: a product page whose photo is a 4032×3024 JPEG straight from a phone, built by `gage
build` and served as a static host serves it (nginx, text compressed), opened in headless Chromium as a 390 px
wide phone with a 3× screen."""
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

from browser_kit import NEEDS_CHROMIUM, chromium
from conftest import free_port, run
from test_photos import PRODUCT, phone_photo, use_images

pytestmark = [NEEDS_CHROMIUM, pytest.mark.skipif(not shutil.which("nginx"), reason="nginx: scripts/setup")]


@pytest.fixture(scope="module")
def site(gage, tmp_path_factory):
    from conftest import ROOT
    shop = tmp_path_factory.mktemp("phone") / "shop"
    shop.mkdir()
    shutil.copy(ROOT / "shop.yml", shop / "shop.yml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, shop / folder)
    phone_photo(shop / PRODUCT / "beans.jpg")
    use_images(shop, ["beans.jpg"])
    # nginx's workers must be able to read the site: a world-readable folder outside pytest's private one.
    root = pathlib.Path(tempfile.mkdtemp(prefix="gage-phone-", dir="/tmp"))
    root.chmod(0o755)
    result = run(gage, "build", "--source", shop, "--output", root / "www", "--base-url", "http://127.0.0.1/",
                 env={**os.environ, "GAGE_CACHE_DIR": str(root / "cache")})
    assert result.returncode == 0, result.stderr
    port = free_port()
    temp_paths = "\n".join(f"    {kind}_temp_path {root / kind};"
                           for kind in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"))
    (root / "nginx.conf").write_text(f"""
daemon off;
pid {root / 'nginx.pid'};
error_log {root / 'error.log'};
{"user root;" if os.geteuid() == 0 else ""}
events {{}}
http {{
    include /etc/nginx/mime.types;
    types {{ image/webp webp; }}
    access_log off;
{temp_paths}
    # What static hosts (Netlify, Cloudflare Pages, GitHub Pages) do for text.
    gzip on;
    gzip_types text/css application/javascript application/json image/svg+xml;
    server {{
        listen 127.0.0.1:{port};
        root {root / 'www'};
    }}
}}
""")
    server = subprocess.Popen(["nginx", "-p", f"{root}/", "-c", str(root / "nginx.conf")])
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(root, ignore_errors=True)


def open_as_phone(width, scale):
    browser = chromium()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 844, "deviceScaleFactor": scale, "mobile": True})
    return browser


TRANSFERRED = """
const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
return entries.map(e => [e.name, e.transferSize]);
"""


def load(browser, url):
    browser.get(url)
    # Let lazy images and deferred scripts finish, then scroll through the page as a buyer would.
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    time.sleep(1.0)
    return browser.execute_script(TRANSFERRED)


def test_product_page_with_a_phone_photo_transfers_at_most_150_kb_to_a_390px_phone(site):
    browser = open_as_phone(390, 3)
    try:
        entries = load(browser, site + "/products/ethiopia-yirgacheffe/")
        total = sum(size for _, size in entries)
        photo = browser.execute_script("return document.querySelector('.product-media img').currentSrc")
    finally:
        browser.quit()
    # A 3× screen gets the 960 px variant (2.7×): sharper is invisible at arm's length, and twice the bytes.
    assert "/beans-960w." in photo and photo.endswith(".webp"), photo
    print(f"phone product page: {total} bytes, photo {photo.rsplit('/', 1)[-1]}")
    assert total <= 150_000, f"{total} bytes: " + ", ".join(f"{name.rsplit('/', 1)[-1]} {size}" for name, size in entries)


def chosen(browser, url, selector):
    """Each image's chosen file and loading mode, in a browser that has not fetched any of them yet (Chromium
    prefers a larger variant it already holds)."""
    load(browser, url)
    return browser.execute_script(
        f"return [...document.querySelectorAll('{selector}')].map(i => [i.currentSrc, i.loading, "
        "i.getAttribute('width'), i.getAttribute('height')])")


def test_cards_on_a_phone_get_the_smallest_variant_and_the_first_ones_load_at_once(site):
    browser = open_as_phone(390, 3)
    try:
        cards = chosen(browser, site + "/", ".card img")
    finally:
        browser.quit()
    beans = [card for card in cards if "/beans-" in card[0]]
    assert beans and all("-480w." in src and src.endswith(".webp") for src, *_ in beans), cards
    assert [loading for _, loading, *_ in cards[:4]] == ["eager"] * 4
    assert {loading for _, loading, *_ in cards[4:]} == {"lazy"}


def test_a_retina_laptop_gets_a_sharper_variant_with_its_size_reserved(site):
    browser = chromium()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 1280, "height": 900, "deviceScaleFactor": 2, "mobile": False})
    try:
        cards = chosen(browser, site + "/", ".card img")
        (photo,) = chosen(browser, site + "/products/ethiopia-yirgacheffe/", ".product-media img")
    finally:
        browser.quit()
    beans = [card for card in cards if "/beans-" in card[0]]
    assert beans and all("-480w." in src or "-960w." in src for src, *_ in beans), cards
    assert "-960w." in photo[0] or "-1600w." in photo[0], photo
    assert photo[2:] == ["960", "720"]

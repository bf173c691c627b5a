"""The sharded search index (search-index/) gives the results of the reference matcher over the whole
search.json — the same products, in the same order, the same count — on a generated catalog of 1,500 products
(many shards) and on a small shop of odd text (one shard); and the search box and page use it in Chromium."""
import functools
import http.server
import json
import re
import subprocess
import sys
import threading
import unicodedata
import urllib.parse

import pytest

from conftest import ROOT, run

EQUIVALENCE = ROOT / "tests" / "js" / "search-equivalence.mjs"

# What buyers type that the shop's own words (which the script adds) do not cover.
ODD_QUERIES = ["", " ", "드립 백", "드립백", "핸드드립", "드립", "에티오피아 상품", "99호", "1",
               "ㄱ", "ㅇㄱㅊㅍ", "ㅇㄱ", "예가ㅊ", "핸ㄷ", "드ㄹ", "KENYA", "kenya aa", "Coffee", "coffee ethiopia",
               "없는상품", "zzz", "a", ".*ㅇ", "(", "\\", "\"", "향 산미 단맛", "커피 원두 선물", "ㅎ", "ㅏ", "가ㅏ"]

ODD_SHOP = {
    "shop.yml": """title: 검색 가게
base_url: https://search.example.kr/
iamport:
  merchant_code: imp00000000
categories:
  - slug: coffee
    title: 커피 원두
  - slug: goods
    title: 도구
business:
  name: 검색 상회
  registration_number: 000-00-00000
""",
    # Decomposed (NFD) as a Mac writes it; the word found in the middle of titles and at their start.
    "content/products/yirgacheffe.md": "---\ntitle: 에티오피아 예가체프 원두\nprice: 18000\n"
        "category: coffee\ntags: [원두, 싱글오리진]\nsummary: 꽃향기 나는 커피\n---\n" + "워시드 가공, 드립에 좋은 원두.\n",
    "content/products/drip-set.md": "---\ntitle: 핸드드립 세트\nprice: 45000\ncategory: goods\ntags: [도구]\n---\n드리퍼와 서버.\n",
    "content/products/drip-bag.md": "---\ntitle: 드립백 10개입\nprice: 12000\ncategory: coffee\nsummary: 간편한 커피\n"
        "tags: [드립백]\n---\n",
    "content/products/kenya.md": "---\ntitle: Kenya AA\nprice: 21000\ncategory: coffee\ntags: [coffee]\n---\nBright "
        "ACIDITY, 예가체프와 다른 산미.\n",
    "content/products/mug.md": "---\ntitle: 머그컵 예가체프 에디션\nprice: 9000\ncategory: goods\nsummary: 예가체프에 어울리는 \"큰\" 컵 \\ 하나\n"
        "---\n도자기 머그. ㄱ자 손잡이 ㅎㅎ\n",
    "content/products/dripper.md": "---\ntitle: 세라믹 드리퍼 (1~2인용)\nprice: 15000\ncategory: goods\ntags: [드립, 도구]\n"
        "---\n\"드립\" 용 \\ 역슬래시.\n",
}


def nfd(text):
    return unicodedata.normalize("NFD", text)


def compare(output, queries=()):
    result = run("node", EQUIVALENCE, output, *queries)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, gage):
    """bench/generate.py's catalog of 1,500 products, built."""
    folder = tmp_path_factory.mktemp("catalog")
    subprocess.run([sys.executable, ROOT / "bench" / "generate.py", "1500", folder], check=True, capture_output=True)
    output = folder / "out"
    built = run(gage, "build", "--source", folder / "gage", "--output", output)
    assert built.returncode == 0, built.stderr
    return output


def test_sharded_search_finds_what_the_whole_index_finds_in_a_generated_catalog(catalog):
    report = compare(catalog, ODD_QUERIES + [nfd("에티오피아 상품"), nfd("예가ㅊ")])
    assert report["mismatches"] == [] and report["mismatchCount"] == 0
    assert report["shards"] > 1 and report["products"] == 1500
    assert report["queries"] > 5000 and report["hits"] > 100000   # the words of the catalog, typed, and more


def test_sharded_search_finds_what_the_whole_index_finds_in_odd_text(tmp_path, gage):
    for path, text in ODD_SHOP.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(nfd(text) if "yirgacheffe" in path else text)
    output = tmp_path / "out"
    built = run(gage, "build", "--source", tmp_path, "--output", output)
    assert built.returncode == 0, built.stderr
    report = compare(output, ODD_QUERIES + [nfd("예가체프"), nfd("ㅇㄱㅊㅍ"), "에디션 예가", "머그 예가체프"])
    assert report["mismatches"] == [] and report["mismatchCount"] == 0
    assert report["shards"] == 1 and report["products"] == 6


# --------------------------------------------------------------------------- in Chromium

browser_kit = pytest.importorskip("browser_kit")


def reference(output, query):
    """The titles the reference matcher finds for `query` over the build's search.json, best first."""
    script = ("import { readFileSync } from 'node:fs';"
              f"import {{ searchEntries, searchProducts }} from '{ROOT}/templates/assets/js/search.js';"
              "const entries = searchEntries(JSON.parse(readFileSync(process.argv[1], 'utf8')));"
              "console.log(JSON.stringify(searchProducts(entries, process.argv[2]).map((entry) => entry.title)));")
    result = run("node", "--input-type=module", "-e", script, output / "search.json", query)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def static_site(catalog):
    """The built catalog on a static server, as a host serves it."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(catalog))
    handler.func.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@browser_kit.NEEDS_CHROMIUM
def test_a_sharded_shop_is_searched_in_the_box_and_on_the_search_page(static_site, catalog):
    from selenium.webdriver.common.by import By
    driver = browser_kit.chromium()
    try:
        driver.get(static_site + "/about/" if (catalog / "about").exists() else static_site + "/")
        driver.execute_script("performance.clearResourceTimings()")
        expected = reference(catalog, "콜롬비아 선물용")
        assert len(expected) > 8
        field = driver.find_element(By.ID, "site-search-query")
        field.send_keys("콜롬비아 선물용")
        browser_kit.wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#site-search-results .search-more"))
        titles = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#site-search-results .search-hit-title")]
        assert titles == expected[:8]
        more = driver.find_element(By.CSS_SELECTOR, "#site-search-results .search-more")
        assert more.text == f"검색 결과 모두 보기 ({len(expected)}개 상품)"
        fetched = driver.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
        assert not [url for url in fetched if url.endswith("/search.json")], "the whole index is not fetched"
        shards = [url for url in fetched if re.search(r"/search-index/s\d+\.[0-9a-f]+\.json$", url)]
        # Typed key by key: each prefix's shards, each fetched once, a few of the 64 (and the manifest).
        assert 0 < len(shards) == len(set(shards)) <= 8, shards

        query = "에티오피아"
        expected = reference(catalog, query)
        assert len(expected) > 80
        driver.get(static_site + "/search/?q=" + urllib.parse.quote(query))
        hits = (By.CSS_SELECTOR, "#search-page-results .search-hit-title")
        browser_kit.wait(driver).until(lambda d: len(d.find_elements(*hits)) == 40)
        assert driver.find_element(By.CSS_SELECTOR, ".search-page-form [data-search-status]").text == f"{len(expected)}개 상품"
        assert [e.text for e in driver.find_elements(*hits)] == expected[:40]
        driver.find_element(By.CSS_SELECTOR, "#search-page-results .search-next").click()
        browser_kit.wait(driver).until(lambda d: len(d.find_elements(*hits)) == 80)
        assert [e.text for e in driver.find_elements(*hits)] == expected[:80]
        # The first of the new hits has the focus, so a keyboard user goes on from there.
        assert driver.switch_to.active_element.text.startswith(expected[40])

        driver.get(static_site + "/search/?q=" + urllib.parse.quote("없는상품"))
        browser_kit.wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".search-page-form [data-search-status]").text)
        assert driver.find_element(By.CSS_SELECTOR, ".search-page-form [data-search-status]").text == "찾는 상품이 없습니다."
        assert driver.find_elements(By.CSS_SELECTOR, "#search-page-results .search-hit") == []
    finally:
        driver.quit()

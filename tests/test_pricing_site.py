"""SPEC §11 in what `gage build` writes and what `gage check` says: codes never in clear anywhere in the built site
(catalog.json has each under PBKDF2-HMAC-SHA256 with the shop's salt, worked out here with Python's hashlib), a sale
on at build time in JSON-LD, Open Graph and both feeds with its dates, 면세 products marked in catalog.json, and
mistakes in shop.yml and front matter named with their file, line and a fix."""
import datetime
import hashlib
import json
import re
import time

from conftest import run

KST = datetime.timezone(datetime.timedelta(hours=9))
CODES = ["Welcome-Gage-2026", "ONGGI_VIP7", "jeju5000free"]


def korean(seconds):
    return datetime.datetime.fromtimestamp(seconds, KST).strftime("%Y-%m-%d %H:%M")


def with_rules(shop, now):
    settings = (shop / "shop.yml").read_text()
    settings = settings.replace("    free_over: 50000                  # 상품 금액 5만원 이상 무료 배송",
                                "    free_over: 50000\n    jeju: 3000\n    remote: 5000")
    settings += ("\ndiscounts:\n"
                 f"  - code: {CODES[0]}\n    percent: 10\n    max_discount: 5000\n    ends: 2099-12-31\n    limit: 100\n"
                 f"  - code: {CODES[1]}\n    amount: 3000\n    min_subtotal: 30000\n    categories: [tea]\n"
                 f"  - code: {CODES[2]}\n    free_shipping: true\n    starts: 2026-01-01 09:00\n")
    (shop / "shop.yml").write_text(settings)
    tea = shop / "content/products/hojicha.md"
    until = (now + 86400) // 60 * 60
    tea.write_text(tea.read_text().replace(
        "price: 13500\n", f"price: 13500\nsale: {{price: 9900, from: {korean(now - 3600)}, until: {korean(until)}}}\n"
                          "tax_free: true\n", 1))
    return until


def test_codes_never_appear_in_the_built_site_and_catalog_json_has_their_hashes(gage, example_shop):
    with_rules(example_shop, int(time.time()))
    result = run(gage, "build", "--source", example_shop)
    assert result.returncode == 0, result.stderr
    public = example_shop / "public"
    files = [path for path in public.rglob("*") if path.is_file()]
    assert len(files) > 50
    for path in files:
        data = path.read_bytes().lower()
        for code in CODES:
            assert code.lower().encode() not in data, f"{code} in {path}"
    catalog = json.loads((public / "catalog.json").read_text())
    key = catalog["discount_key"]
    assert key["iterations"] >= 100000
    hashes = [hashlib.pbkdf2_hmac("sha256", code.upper().encode(), key["salt"].encode(), key["iterations"]).hex()
              for code in CODES]
    assert [rule["hash"] for rule in catalog["discounts"]] == hashes
    first, second, third = catalog["discounts"]
    assert (first["percent"], first["max_discount"], first["limit"]) == (10, 5000, 100)
    # ends: 2099-12-31 includes its whole day: the next midnight in Korea.
    assert first["ends"] == int(datetime.datetime(2100, 1, 1, tzinfo=KST).timestamp())
    tea = sorted(p["sku"] for p in catalog["products"] if p["url"].split("/")[-2] in
                 ("chamomile", "earl-grey", "hojicha", "jeju-green-tea"))
    assert sorted(second["products"]) == tea and second["min_subtotal"] == 30000
    assert third["free_shipping"] is True and third["starts"] == int(datetime.datetime(2026, 1, 1, 9, tzinfo=KST).timestamp())
    assert catalog["shipping"]["jeju"] == 3000 and [40200, 40240] in catalog["shipping"]["remote_postcodes"]
    hojicha = next(p for p in catalog["products"] if p["url"].endswith("/hojicha/"))
    assert hojicha["tax_free"] is True and hojicha["sale"]["price"] == 9900


def test_a_sale_on_at_build_time_is_in_json_ld_open_graph_and_both_feeds(gage, example_shop):
    until = with_rules(example_shop, int(time.time()))
    assert run(gage, "build", "--source", example_shop).returncode == 0
    page = (example_shop / "public/products/hojicha/index.html").read_text()
    offer = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))["offers"]
    until_iso = datetime.datetime.fromtimestamp(until, KST).isoformat()
    assert offer["price"] == 9900 and offer["priceValidUntil"] == until_iso[:10]
    assert {"@type": "UnitPriceSpecification", "price": 13500, "priceCurrency": "KRW",
            "priceType": "https://schema.org/StrikethroughPrice"} in offer["priceSpecification"]
    assert any(spec["price"] == 9900 and spec["validThrough"] == until_iso for spec in offer["priceSpecification"])
    assert '<meta property="product:sale_price:amount" content="9900">' in page
    assert f'<meta property="product:sale_price_dates:end" content="{until_iso}">' in page
    naver = (example_shop / "public/feeds/naver.tsv").read_text().splitlines()
    header = naver[0].split("\t")
    row = dict(zip(header, next(line for line in naver if "/products/hojicha/" in line).split("\t")))
    assert (row["price_pc"], row["normal_price"]) == ("9900", "13500")
    google = (example_shop / "public/feeds/google.xml").read_text()
    item = google[google.index("/products/hojicha/"):]
    item = item[:item.index("</item>")]
    assert "<g:price>13500 KRW</g:price>" in item and "<g:sale_price>9900 KRW</g:sale_price>" in item
    assert f"/{until_iso}</g:sale_price_effective_date>" in item


def test_mistakes_in_the_rules_name_the_file_line_and_fix(gage, example_shop):
    (example_shop / "shop.yml").write_text((example_shop / "shop.yml").read_text() + (
        "\ndiscounts:\n"
        "  - code: WELCOME 10\n    percent: 150\n"
        "  - code: welcome10\n    amount: 1000\n    percent: 5\n    ends: 2026-13-01\n"))
    tea = example_shop / "content/products/hojicha.md"
    tea.write_text(tea.read_text().replace("price: 13500\n", "price: 13500\nsale: {prcie: 9900}\ntax_free: 1\n", 1))
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode != 0
    report = result.stdout + result.stderr
    assert re.search(r"shop\.yml:\d+: .*WELCOME 10.*A-Z", report), report
    assert re.search(r"shop\.yml:\d+: .*percent must be from 1 to 100", report), report
    assert "exactly one of percent, amount, free_shipping" in report
    assert re.search(r"ends.*2026-13-01", report)
    assert re.search(r"hojicha/?(index)?\.md:\d+: .*prcie", report) and "did you mean 'price'?" in report
    assert re.search(r"hojicha/?(index)?\.md:\d+: .*tax_free must be true or false", report), report



def test_a_discount_naming_an_unknown_product_or_category_is_a_warning_with_a_guess(gage, example_shop):
    (example_shop / "shop.yml").write_text((example_shop / "shop.yml").read_text() + (
        "\ndiscounts:\n  - code: TEATIME\n    amount: 1000\n    products: [TEA-CHAM-3O]\n    categories: [tae]\n"))
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode == 0, result.stderr
    report = result.stdout + result.stderr
    assert "names product TEA-CHAM-3O" in report and "did you mean 'TEA-CHAM-30'?" in report
    assert "names category tae" in report and "did you mean 'tea'?" in report

"""What a Korean shop needs beyond checkout, built by the real `gage` and read the way their consumers read them:
categories from use, 상품정보제공고시 checks, the shopping feeds (Naver's TSV through Python's csv module, Google's RSS
through an XML parser) and `gage new product` with a Korean name."""
import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET

from PIL import Image

from conftest import ROOT, run

G = "{http://base.google.com/ns/1.0}"
NAVER_REQUIRED = ["id", "title", "price_pc", "link", "image_link", "category_name1", "shipping"]


def spec_shop(folder):
    """A shop written from SPEC §1 alone: products name categories, shop.yml declares none."""
    (folder / "content" / "products").mkdir(parents=True)
    (folder / "static" / "img").mkdir(parents=True)
    (folder / "shop.yml").write_text(
        "title: 귤밭\nbase_url: https://gyul.example.kr/\n"
        "iamport: {merchant_code: imp10000001, pg: html5_inicis.MOI0000001, pay_methods: [card]}\n"
        "checkout: {shipping: {fee: 3000, free_over: 30000}}\n"
        "feeds: {naver: true, google: true}\n")
    for name, colour in (("gyul.jpg", "orange"), ("hallabong.jpg", "gold"), ("jam.jpg", "brown")):
        Image.new("RGB", (600, 600), colour).save(folder / "static" / "img" / name, "JPEG")
    products = {
        "gyul": "title: \"제주 감귤\\t5kg\\n특품\"\nsku: GYUL-5\nprice: 25000\ncompare_at: 30000\n"
                "images: [/img/gyul.jpg]\ncategory: fruit\ntags: [감귤, \"제주|서귀포\"]\nstock: 30\n",
        "hallabong": "title: 한라봉 3kg\nsku: HALLA-3\nprice: 32000\nimages: [/img/hallabong.jpg]\ncategory: fruit\nstock: 0\n",
        "jam": "title: 감귤 잼 & <병>\nsku: JAM-1\nprice: 9000\nimages: [/img/jam.jpg]\ncategory: preserves\n",
        "makgeolli": "title: 감귤 막걸리\nsku: SUL-1\nprice: 8000\nimages: [/img/gyul.jpg]\ncategory: preserves\n"
                     "adult_only: true\n",
        "secret": "title: 준비 중\nsku: SECRET-1\nprice: 1000\nimages: [/img/gyul.jpg]\ncategory: fruit\ndraft: true\n",
    }
    for slug, front in products.items():
        (folder / "content" / "products" / f"{slug}.md").write_text(f"---\n{front}---\n맛있는 **제주** 감귤.\n")
    return folder


def test_a_shop_whose_products_name_undeclared_categories_builds(gage, tmp_path):
    shop = spec_shop(tmp_path / "shop")
    result = run(gage, "build", "--source", shop, "--output", shop / "public")
    assert result.returncode == 0, result.stderr
    fruit = (shop / "public" / "categories" / "fruit" / "index.html").read_text()
    assert "<h1>fruit</h1>" in fruit and "/products/gyul/" in fruit
    assert (shop / "public" / "categories" / "preserves" / "index.html").exists()


def test_naver_feed_is_a_tsv_with_the_mandatory_columns_and_adult_marked(gage, tmp_path):
    shop = spec_shop(tmp_path / "shop")
    assert run(gage, "build", "--source", shop, "--output", shop / "public").returncode == 0
    text = (shop / "public" / "feeds" / "naver.tsv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert set(NAVER_REQUIRED) <= set(rows[0].keys())
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {"GYUL-5", "JAM-1", "SUL-1"}          # sold out and draft left out
    gyul = by_id["GYUL-5"]
    assert gyul["title"] == "제주 감귤 5kg 특품"                  # the tab and newline did not break the row
    assert (gyul["price_pc"], gyul["normal_price"], gyul["shipping"]) == ("25000", "30000", "3000")
    assert gyul["link"] == "https://gyul.example.kr/products/gyul/"
    # The largest JPEG variant of the photo (Naver asks for at least 300×300), not the original.
    assert re.fullmatch(r"https://gyul\.example\.kr/img/gyul-600w\.[0-9a-f]{16}\.jpg", gyul["image_link"])
    assert gyul["category_name1"] == "fruit" and gyul["search_tag"] == "감귤|제주 서귀포"
    assert by_id["SUL-1"]["adult"] == "Y" and gyul["adult"] == ""
    assert by_id["JAM-1"]["title"] == "감귤 잼 & <병>"
    for row in rows:
        assert all(row[column] for column in NAVER_REQUIRED), row
        assert len(row) == len(rows[0])


def test_google_feed_is_rss_with_the_required_g_attributes(gage, tmp_path):
    shop = spec_shop(tmp_path / "shop")
    assert run(gage, "build", "--source", shop, "--output", shop / "public").returncode == 0
    root = ET.parse(shop / "public" / "feeds" / "google.xml").getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "귤밭" and channel.findtext("link") == "https://gyul.example.kr/"
    items = {item.findtext(G + "id"): item for item in channel.findall("item")}
    assert set(items) == {"GYUL-5", "HALLA-3", "JAM-1", "SUL-1"}   # every published product, drafts never
    for item in items.values():
        for field in ("title", "link", "description"):
            assert item.findtext(field), field
        for field in ("image_link", "availability", "price", "condition", "brand"):
            assert item.findtext(G + field), field
    assert items["HALLA-3"].findtext(G + "availability") == "out_of_stock"
    assert items["GYUL-5"].findtext(G + "availability") == "in_stock"
    assert items["GYUL-5"].findtext(G + "price") == "30000 KRW"
    assert items["GYUL-5"].findtext(G + "sale_price") == "25000 KRW"
    assert items["JAM-1"].findtext("title") == "감귤 잼 & <병>"
    assert items["SUL-1"].findtext(G + "adult") == "yes" and items["JAM-1"].find(G + "adult") is None
    assert items["HALLA-3"].find(G + "shipping").findtext(G + "price") == "0 KRW"   # 32,000 ≥ free_over


def test_feeds_are_written_only_when_turned_on(gage, example_shop, tmp_path):
    text = (example_shop / "shop.yml").read_text()
    (example_shop / "shop.yml").write_text(text.replace("  naver: true", "  naver: false"))
    assert run(gage, "build", "--source", example_shop, "--output", tmp_path / "out").returncode == 0
    assert not (tmp_path / "out" / "feeds" / "naver.tsv").exists()
    assert (tmp_path / "out" / "feeds" / "google.xml").exists()


def test_check_warns_with_file_and_line_about_notices_categories_and_feeds(gage, tmp_path):
    shop = spec_shop(tmp_path / "shop")
    (shop / "content" / "products" / "jam.md").write_text(
        "---\ntitle: 감귤 잼\nsku: JAM-1\nprice: 9000\ncategory: preservs\nnotice:\n  type: 가공식품\n"
        "  제품명: 감귤 잼\n---\n잼.\n")
    result = run(gage, "check", "--source", shop)
    assert result.returncode == 0, result.stderr                  # warnings never fail a build
    err = result.stderr
    assert ("warning: content/products/jam.md:5: category 'preservs' is used by this product only — "
            "did you mean 'preserves'?") in err
    assert "warning: content/products/jam.md:7: notice for 가공식품 lacks '식품의 유형', which the 고시 requires" in err
    assert "warning: content/products/jam.md:7: notice for 가공식품 lacks '소비기한 또는 품질유지기한'" in err
    assert "warning: content/products/jam.md:2: has no image, so the shopping feeds leave it out" in err
    assert "warning: content: no shipping and refund page for the 청약철회 notice to link to" in err


def test_the_example_shop_has_no_warnings(gage):
    result = run(gage, "check", "--source", ROOT)
    assert result.returncode == 0
    assert "warning" not in result.stderr and "문제 없음" in result.stdout


def test_new_product_takes_a_korean_name(gage, tmp_path):
    shop = tmp_path / "shop"
    assert run(gage, "init", shop).returncode == 0
    # A new shop names every placeholder gage init wrote, with the line to change.
    fresh = run(gage, "check", "--source", shop)
    assert fresh.returncode == 0
    for placeholder in ("business.name 값이 아직 gage init 의 자리표시 '상호'", "business.address 값이 아직 gage init 의 자리표시 '주소'",
                        "portone.store_id 값이 아직"):
        assert placeholder in fresh.stderr, fresh.stderr
    result = run(gage, "new", "product", "제주 감귤 5kg", "--source", shop)
    assert result.returncode == 0, result.stderr
    made = shop / "content" / "products" / "jeju-gamgyul-5kg.md"
    assert 'title: "제주 감귤 5kg"' in made.read_text() and "sku: JEJU-GAMGYUL-5KG" in made.read_text()
    again = run(gage, "new", "product", "제주 감귤 5kg", "--source", shop)
    assert again.returncode == 0 and (shop / "content" / "products" / "jeju-gamgyul-5kg-2.md").exists()
    run(gage, "new", "product", "🍊", "--source", shop)
    assert (shop / "content" / "products" / "product-1.md").exists()
    quoted = run(gage, "new", "product", 'Tea: "Sencha" #1', "--source", shop)
    assert quoted.returncode == 0
    result = run(gage, "build", "--source", shop, "--output", shop / "public", "--drafts")
    assert result.returncode == 0, result.stderr
    page = (shop / "public" / "products" / "jeju-gamgyul-5kg" / "index.html").read_text()
    assert "<h1>제주 감귤 5kg</h1>" in page
    assert "<h1>Tea: &quot;Sencha&quot; #1</h1>" in (shop / "public" / "products" / "tea-sencha-1" / "index.html").read_text()


def test_check_names_what_blocks_taking_money_in_the_shops_language(gage, example_shop):
    """No 상품정보제공고시 on a product, escrow with no sender postcode, a 통신판매업 number left out: each named with
    its file and line, in Korean for a ko shop and in English for an en one; warnings, so an unfinished shop builds."""
    settings = example_shop / "shop.yml"
    text = settings.read_text()
    text = text.replace('  postcode: "03980"                   # 사업장 우편번호: 에스크로 배송 등록(gage orders ship)에 필요\n', "")
    text = text.replace("  mail_order_number: 제2026-서울마포-0123호\n", "")
    settings.write_text(text)
    product = example_shop / "content" / "products" / "kenya-aa.md"
    front, _, body = product.read_text().partition("\n---\n")
    product.write_text(front.split("\nnotice:")[0] + "\n---\n" + body)
    assert "notice:" not in product.read_text()
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode == 0, result.stderr
    escrow_line = next(n for n, line in enumerate(settings.read_text().splitlines(), 1) if line.startswith("business:"))
    assert f"warning: shop.yml:{escrow_line}: 에스크로(checkout.escrow)를 쓰는데 사업장 우편번호가 없습니다" in result.stderr
    assert "business 에 mail_order_number (통신판매업 신고번호) 항목이 없습니다" in result.stderr
    assert "warning: content/products/kenya-aa.md:1: 상품정보제공고시(notice:)가 없습니다" in result.stderr
    assert "경고 3건" in result.stdout
    settings.write_text(text.replace("language: ko", "language: en"))
    english = run(gage, "check", "--source", example_shop)
    assert "checkout.escrow is on but the business address has no postcode" in english.stderr
    assert "content/products/kenya-aa.md:1: has no 상품정보제공고시 (notice:)" in english.stderr
    assert "3 warnings" in english.stdout

"""The `gage` command as authors use it: build, check, scaffolding, and its error reports."""
import json

from conftest import ROOT, run


def test_example_shop_builds_with_every_product_and_page(gage, tmp_path):
    out = tmp_path / "public"
    result = run(gage, "build", "--source", ROOT, "--output", out)
    assert result.returncode == 0, result.stderr
    assert "Built 15 products" in result.stdout
    catalog = json.loads((out / "catalog.json").read_text())
    skus = {p["sku"] for p in catalog["products"]}
    assert len(skus) == 15 and "GDS-GIFT" not in skus  # the draft gift set stays out
    assert catalog["order_prefix"] == "onggi-"
    for page in ("about", "shipping", "terms", "privacy"):
        assert (out / page / "index.html").exists()
    sold_out = (out / "products" / "kenya-aa" / "index.html").read_text()
    assert 'class="sold-out"' in sold_out and "data-buy-form" not in sold_out


def test_broken_product_fails_the_build_with_path_line_and_fix(gage, example_shop, tmp_path):
    product = example_shop / "content" / "products" / "hojicha.md"
    product.write_text(product.read_text().replace("price: 13500", "prcie: 13500"))
    (example_shop / "content" / "products" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    out = tmp_path / "public"
    result = run(gage, "build", "--source", example_shop, "--output", out)
    assert result.returncode != 0
    err = result.stderr
    assert "error: content/products/hojicha.md:4: unknown key 'prcie' — did you mean 'price'?" in err
    assert "error: content/products/hojicha.md:1: missing 'price'" in err
    assert "error: content/products/broken.md:" in err and "malformed YAML" in err
    assert "errors found; nothing was written." in err
    assert not out.exists()  # a broken product never silently disappears from a published shop


def test_check_validates_without_writing(gage, example_shop):
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode == 0, result.stderr
    assert "문제 없음" in result.stdout
    assert not (example_shop / "public").exists()
    (example_shop / "shop.yml").write_text((example_shop / "shop.yml").read_text().replace("merchant_code", "merchant"))
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode == 1
    assert "shop.yml:10: unknown key 'iamport.merchant' — did you mean 'merchant_code'?" in result.stderr


def test_init_and_new_product_make_a_shop_that_builds(gage, tmp_path):
    shop = tmp_path / "new-shop"
    assert run(gage, "init", shop).returncode == 0
    assert (shop / ".gitignore").read_text().split() == ["public/", ".gage/"]
    result = run(gage, "new", "product", "first-product", "--source", shop)
    assert result.returncode == 0, result.stderr
    assert (shop / "content" / "products" / "first-product.md").exists()
    result = run(gage, "build", "--source", shop, "--output", shop / "public", "--drafts")
    assert result.returncode == 0, result.stderr
    assert (shop / "public" / "products" / "first-product" / "index.html").exists()


def test_new_product_refuses_an_address_unsafe_slug(gage, tmp_path):
    result = run(gage, "new", "product", "My Product", "--slug", "My Product", "--source", tmp_path)
    assert result.returncode != 0
    assert "try 'my-product'" in result.stderr


def test_help_lists_the_commands(gage):
    result = run(gage, "--help")
    assert result.returncode == 0
    for command in ("build", "check", "new", "init"):
        assert command in result.stdout

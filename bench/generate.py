#!/usr/bin/env python3
"""Generates the same Korean product catalog twice: as a Gage shop and as a Hugo site with equivalent templates
(product page with price, JSON-LD and a buy button; lists paginated by 50; category and tag pages).

usage: generate.py COUNT OUT_DIR   → OUT_DIR/gage (a shop folder) and OUT_DIR/hugo (a Hugo site)
Deterministic (seeded): the same COUNT gives the same bytes."""
import json
import pathlib
import random
import shutil
import sys

CATEGORIES = [("coffee", "커피 원두"), ("tea", "차"), ("goods", "도구"), ("dessert", "디저트"), ("gift", "선물")]
TAGS = ["원두", "싱글오리진", "블렌드", "디카페인", "녹차", "홍차", "허브티", "드리퍼", "텀블러", "필터", "쿠키", "세트",
        "유기농", "한정판", "신상품", "베스트", "선물용", "대용량", "소포장", "로스팅"]
ORIGINS = ["에티오피아", "콜롬비아", "케냐", "과테말라", "브라질", "제주", "교토", "다즐링", "르완다", "파나마"]
WORDS = ("향 산미 단맛 여운 균형 부드러운 고소한 깔끔한 풍부한 은은한 묵직한 밝은 꽃 과일 견과류 초콜릿 캐러멜 "
         "시트러스 베리 꿀 우유 아침 오후 저녁 한 잔 매일 천천히 정성껏 볶은 내린 담은 고른 농장 수확 가공 "
         "워시드 내추럴 허니 로스터리 바리스타 추천 선물 포장 배송 신선한 원산지 품종 고도").split()


def body(rng):
    def sentence(n):
        return " ".join(rng.choice(WORDS) for _ in range(n)) + "."
    parts = [" ".join(sentence(rng.randint(8, 14)) for _ in range(4)), "## 맛과 향",
             " ".join(sentence(rng.randint(8, 14)) for _ in range(3)),
             "\n".join(f"- {sentence(rng.randint(3, 6))}" for _ in range(5)),
             f"**추천:** {sentence(10)} *{sentence(6)}*", " ".join(sentence(rng.randint(8, 14)) for _ in range(4))]
    return "\n\n".join(parts)   # about 200 words


def products(count):
    rng = random.Random(42)
    for n in range(1, count + 1):
        origin = rng.choice(ORIGINS)
        category = CATEGORIES[n % len(CATEGORIES)][0]
        yield {
            "slug": f"p{n:05d}", "title": f"{origin} 상품 {n}호", "sku": f"SKU-{n:05d}",
            "price": rng.randrange(5000, 90000, 100), "category": category,
            "tags": rng.sample(TAGS, 2), "summary": f"{origin}에서 온 {rng.choice(WORDS)} {rng.choice(WORDS)}",
            "body": body(rng),
        }


def write_gage(root, items):
    (root / "content" / "products").mkdir(parents=True)
    categories = "\n".join(f"  - slug: {slug}\n    title: {title}" for slug, title in CATEGORIES)
    (root / "shop.yml").write_text(f"""title: 벤치마크 가게
base_url: https://bench.example.kr/
paginate: 50
iamport:
  merchant_code: imp00000000
checkout:
  shipping: {{ fee: 3000, free_over: 50000 }}
categories:
{categories}
business:
  name: 벤치마크 상회
  registration_number: 000-00-00000
""")
    for p in items:
        (root / "content" / "products" / f"{p['slug']}.md").write_text(
            f"---\ntitle: {p['title']}\nsku: {p['sku']}\nprice: {p['price']}\ncategory: {p['category']}\n"
            f"tags: [{', '.join(p['tags'])}]\nsummary: {p['summary']}\n---\n{p['body']}\n")


HUGO_CONFIG = """baseURL = "https://bench.example.kr/"
languageCode = "ko"
title = "벤치마크 가게"
paginate = 50
disableKinds = ["RSS", "robotsTXT"]
[taxonomies]
  category = "categories"
  tag = "tags"
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title><link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="/assets/shop.css">{{ block "head" . }}{{ end }}</head>
<body>{{ partial "header.html" . }}<main>{{ block "main" . }}{{ end }}</main>
<footer><p>벤치마크 상회 · 000-00-00000</p></footer></body></html>
"""

HUGO_HEADER = """<header><a href="/">{{ site.Title }}</a><nav>{{ range site.Taxonomies.categories }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav><a href="/cart/">장바구니</a></header>
"""

HUGO_SINGLE = """{{ define "head" }}<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "Product" "name" .Title "sku" .Params.sku "offers" (dict "@type" "Offer" "price" .Params.price "priceCurrency" "KRW" "availability" "https://schema.org/InStock") | jsonify | safeJS }}</script>{{ end }}
{{ define "main" }}<article><h1>{{ .Title }}</h1><p class="summary">{{ .Params.summary }}</p>
<p class="price"><strong>{{ lang.FormatNumber 0 .Params.price }}원</strong></p>
<form class="buy-form"><label for="quantity">수량</label><input id="quantity" type="number" min="1" value="1">
<button type="submit" data-sku="{{ .Params.sku }}" data-price="{{ .Params.price }}">장바구니 담기</button></form>
<div class="description">{{ .Content }}</div>
<ul class="tags">{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">#{{ . }}</a></li>{{ end }}</ul></article>{{ end }}
"""

HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul class="product-grid">{{ range (.Paginate .Pages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <strong>{{ lang.FormatNumber 0 .Params.price }}원</strong></li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
"""

HUGO_HOME = """{{ define "main" }}<h1>{{ site.Title }}</h1><ul class="product-grid">{{ range (.Paginate site.RegularPages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <strong>{{ lang.FormatNumber 0 .Params.price }}원</strong></li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
"""


def write_hugo(root, items):
    layouts = root / "layouts"
    for folder in ("_default", "partials", "products"):
        (layouts / folder).mkdir(parents=True)
    (root / "content" / "products").mkdir(parents=True)
    (root / "static" / "assets").mkdir(parents=True)
    (root / "static" / "assets" / "shop.css").write_text("body{font-family:sans-serif}\n")
    (root / "config.toml").write_text(HUGO_CONFIG)
    (layouts / "_default" / "baseof.html").write_text(HUGO_BASEOF)
    (layouts / "partials" / "header.html").write_text(HUGO_HEADER)
    (layouts / "_default" / "single.html").write_text(HUGO_SINGLE)
    (layouts / "_default" / "list.html").write_text(HUGO_LIST)
    (layouts / "_default" / "terms.html").write_text(HUGO_LIST)
    (layouts / "index.html").write_text(HUGO_HOME)
    names = dict(CATEGORIES)
    for p in items:
        front = {"title": p["title"], "sku": p["sku"], "price": p["price"], "categories": [names[p["category"]]],
                 "tags": p["tags"], "summary": p["summary"]}
        (root / "content" / "products" / f"{p['slug']}.md").write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n" + p["body"] + "\n")


def main():
    count, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    if out.exists():
        shutil.rmtree(out)
    items = list(products(count))
    write_gage(out / "gage", items)
    write_hugo(out / "hugo", items)
    print(f"{count} products → {out}/gage and {out}/hugo")


if __name__ == "__main__":
    main()

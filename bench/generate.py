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
[pagination]
  pagerSize = 50
[taxonomies]
  category = "categories"
  tag = "tags"
"""

# The same pages as Gage's default theme, written as a Hugo user would: a base template with blocks, the header,
# footer and the page-independent scripts as partialCached (rendered once per build), the shop's interface text and
# checkout settings in data/ (copied from Gage's build by bench/run.py so both carry the same bytes).
HUGO_BASEOF = """<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}product{{ else }}website{{ end }}">
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:locale" content="ko_KR">
<link rel="stylesheet" href="/assets/shop.css">
{{ block "head" . }}{{ end }}
</head>
<body>
<a class="skip-link" href="#main">본문 바로가기</a>
{{ partialCached "header.html" . }}
<main id="main" class="container">{{ block "main" . }}{{ end }}</main>
{{ partialCached "footer.html" . }}
{{ block "text" . }}{{ end }}{{ partialCached "scripts.html" . }}
</body>
</html>
"""

HUGO_HEADER = """<header class="site-header">
  <div class="container header-inner">
    <a class="brand" href="/">{{ site.Title }}</a>
    <nav class="site-nav" aria-label="카테고리">
      <ul>
        <li><a href="/">전체 상품</a></li>
        {{ range site.Taxonomies.categories }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>
        {{ end }}
      </ul>
    </nav>
    <form class="site-search" role="search" action="/search/" data-search
          data-none="찾는 상품이 없습니다." data-count="{n}개 상품" data-more="검색 결과 모두 보기">
      <input id="site-search-query" type="search" name="q" aria-label="상품 검색" placeholder="상품 이름, 태그로 검색"
             aria-controls="site-search-results" data-search-input>
      <button type="submit" class="search-button">검색</button>
      <div class="search-results" id="site-search-results" data-search-results hidden></div>
      <p class="visually-hidden" role="status" data-search-status></p>
    </form>
    <a class="cart-link" href="/cart/">장바구니 <span class="cart-count" data-cart-count>0</span></a>
  </div>
</header>
"""

HUGO_FOOTER = """<footer class="site-footer">
  <div class="container">
    <nav aria-label="안내"><ul class="footer-links"><li><a href="/orders/lookup/" data-lookup-link>비회원 주문조회</a></li></ul></nav>
    <section class="business" aria-label="사업자 정보">
      <h2>사업자 정보</h2>
      <dl>
        <dt>상호</dt><dd>벤치마크 상회</dd>
        <dt>사업자등록번호</dt><dd>000-00-00000</dd>
      </dl>
      <p class="ftc-link"><a href="https://www.ftc.go.kr/bizCommPop.do?wrkr_no=0000000000" target="_blank" rel="noopener" data-ftc-link>사업자정보 확인</a></p>
    </section>
    <p class="escrow-notice" data-escrow-notice>고객님은 안전거래를 위해 현금 등으로 결제 시 저희 쇼핑몰에서 가입한 구매안전서비스를 이용하실 수 있습니다.</p>
    <p class="copyright">© {{ site.Title }}</p>
  </div>
</footer>
"""

HUGO_SCRIPTS = """<script id="gage-checkout" type="application/json">{{ site.Data.checkout | jsonify | safeJS }}</script>
<script src="/assets/shop.js" defer></script>
"""

# Only pages that run checkout code carry the interface text, as in Gage's theme.
HUGO_TEXT = """<script id="gage-text" type="application/json">{{ site.Data.text | jsonify | safeJS }}</script>
"""

HUGO_SINGLE = """{{ define "head" }}<meta property="product:price:amount" content="{{ .Params.price }}">
<meta property="product:price:currency" content="KRW">
{{ $category := index .Params.categories 0 }}
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "Product" "name" .Title "sku" .Params.sku "category" $category "description" .Params.summary "url" .Permalink "offers" (dict "@type" "Offer" "price" .Params.price "priceCurrency" "KRW" "availability" "https://schema.org/InStock" "url" .Permalink "seller" (dict "@type" "Organization" "name" "벤치마크 상회")) | jsonify | safeJS }}</script>
{{ end }}
{{ define "main" }}<nav class="breadcrumb" aria-label="현재 위치"><a href="/">홈</a> › <a href="{{ "categories/" | relURL }}{{ $category := index .Params.categories 0 }}{{ $category | urlize }}/">{{ $category }}</a></nav>
<article class="product">
  <div class="product-media"><span class="placeholder" aria-hidden="true"></span></div>
  <div class="product-info">
    <h1>{{ .Title }}</h1>
    <p class="summary">{{ .Params.summary }}</p>
    <p class="price"><strong>{{ lang.FormatNumber 0 .Params.price }}원</strong></p>
    <form class="buy-form" data-buy-form>
      <div class="field">
        <label for="quantity">수량</label>
        <input id="quantity" type="number" min="1" max="9999" value="1" inputmode="numeric" required>
      </div>
      <div class="buy-actions">
        <button type="submit" class="button" value="cart">장바구니 담기</button>
        <button type="submit" class="button primary" value="buy">바로 구매</button>
      </div>
      <p class="form-status" role="status" data-buy-status></p>
    </form>
    <div class="description">{{ .Content }}</div>
    <ul class="tags">{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">#{{ . }}</a></li>
    {{ end }}</ul>
    <aside class="withdrawal" aria-labelledby="withdrawal-title" data-withdrawal>
      <h2 id="withdrawal-title">청약철회 안내</h2>
      <p>상품을 받으신 날부터 7일 이내에 청약철회(교환·반품)를 신청하실 수 있습니다. 상품이 표시·광고 내용과 다르거나 계약과 다르게 이행된 경우에는 받으신 날부터 3개월 이내, 그 사실을 안 날 또는 알 수 있었던 날부터 30일 이내에 청약철회를 하실 수 있습니다.</p>
    </aside>
  </div>
</article>
<script id="gage-product" type="application/json">{{ dict "sku" .Params.sku "title" .Title "price" .Params.price "url" .Permalink "options" (slice) | jsonify | safeJS }}</script>
{{ end }}
{{ define "text" }}{{ partialCached "text.html" . }}{{ end }}
"""

HUGO_CARDS = """<h1>{{ .Title }}</h1>
<ul class="product-grid">{{ range .Pages }}
<li class="card"><a href="{{ .RelPermalink }}"><span class="placeholder" aria-hidden="true"></span>
<span class="card-title">{{ .Title }}</span>
<span class="card-price"><strong>{{ lang.FormatNumber 0 .Params.price }}원</strong></span></a></li>{{ end }}
</ul>
"""

HUGO_LIST = """{{ define "main" }}{{ $pager := .Paginate .Pages }}{{ partial "cards.html" (dict "Title" .Title "Pages" $pager.Pages) }}
{{ template "_internal/pagination.html" . }}{{ end }}
"""

HUGO_HOME = """{{ define "main" }}{{ $pager := .Paginate site.RegularPages }}{{ partial "cards.html" (dict "Title" "전체 상품" "Pages" $pager.Pages) }}
{{ template "_internal/pagination.html" . }}{{ end }}
"""


def write_hugo(root, items):
    layouts = root / "layouts"
    for folder in ("_default", "partials", "products"):
        (layouts / folder).mkdir(parents=True)
    (root / "content" / "products").mkdir(parents=True)
    (root / "static" / "assets").mkdir(parents=True)
    (root / "data").mkdir()
    for name in ("checkout", "text"):  # bench/run.py puts Gage's own here before timing anything
        (root / "data" / f"{name}.json").write_text("{}\n")
    (root / "static" / "assets" / "shop.css").write_text("body{font-family:sans-serif}\n")
    (root / "config.toml").write_text(HUGO_CONFIG)
    (layouts / "_default" / "baseof.html").write_text(HUGO_BASEOF)
    (layouts / "partials" / "header.html").write_text(HUGO_HEADER)
    (layouts / "partials" / "footer.html").write_text(HUGO_FOOTER)
    (layouts / "partials" / "scripts.html").write_text(HUGO_SCRIPTS)
    (layouts / "partials" / "text.html").write_text(HUGO_TEXT)
    (layouts / "partials" / "cards.html").write_text(HUGO_CARDS)
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

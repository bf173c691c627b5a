import Testing
import GageTestSupport
import GageCore
@testable import GageCatalog

/// Loads a shop and returns its diagnostics as the author sees them (`path:line: message — hint`).
func problems(_ shop: TemporaryShop) -> [String] {
    do {
        _ = try ShopLoader.load(from: shop.root)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

/// The warnings about products' 상품정보제공고시.
func noticeWarnings(_ shop: TemporaryShop) throws -> [Diagnostic] {
    try ShopLoader.load(from: shop.root).warnings.filter { $0.message.hasPrefix("notice") }
}

@Suite struct ProductValidationTests {
    @Test func test_a_complete_product_decodes_every_field() throws {
        let shop = try TemporaryShop(files: [
            "content/products/yirga/index.md": TemporaryShop.product("""
                title: 예가체프 200g
                sku: ETH-YIRG-200
                price: 18000
                compare_at: 21000
                summary: 꽃향
                images: [beans.jpg]
                category: coffee
                tags: [원두, 싱글오리진]
                stock: 12
                max_quantity: 5
                options:
                  - name: 분쇄도
                    values:
                      - label: 홀빈
                      - label: 에스프레소용
                        price: 500
                  - name: 용량
                    values: [200g, 500g]
                weight: 3
                params: { origin: Ethiopia, altitude: 1900 }
                """, body: "## 맛\n\n재스민"),
            "content/products/yirga/beans.jpg": "not really a jpeg",
        ])
        let loaded = try ShopLoader.load(from: shop.root)
        let product = try #require(loaded.products.first)
        #expect(product.slug == "yirga")
        #expect(product.sku == "ETH-YIRG-200")
        #expect(product.price == 18000 && product.compareAt == 21000)
        #expect(product.tags == ["원두", "싱글오리진"])
        #expect(product.stock == 12 && product.maxQuantity == 5 && product.weight == 3)
        #expect(product.options.map(\.name) == ["분쇄도", "용량"])
        #expect(product.options[0].values.map(\.price) == [0, 500])
        #expect(product.options[1].values.map(\.label) == ["200g", "500g"])
        #expect(product.params["altitude"] == .int(1900))
        #expect(product.body.contains("## 맛"))
        #expect(loaded.catalog.products.first?.url == "https://shop.example.kr/products/yirga/")
    }

    /// Front matter is parsed without Yams' type resolution (see `FrontMatterDocument.mapping`); values must still
    /// get YAML 1.1's types, as every other YAML reader gives them.
    @Test func test_front_matter_values_keep_their_yaml_types() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            price: 0x2EE0
            adult_only: no
            params:
              whole: 1900
              negative: -3
              fraction: 1.5
              yes_word: yes
              on_word: On
              tilde: ~
              null_word: null
              empty:
              quoted_number: "1900"
              quoted_bool: 'true'
              text: 1900m
              korean: 예
              dotted: .5
            """)])
        let loaded = try ShopLoader.load(from: shop.root)
        let product = try #require(loaded.products.first)
        #expect(product.price == 12000)
        #expect(product.adultOnly == false)
        #expect(product.params == [
            "whole": .int(1900), "negative": .int(-3), "fraction": .double(1.5), "yes_word": .bool(true),
            "on_word": .bool(true), "tilde": .null, "null_word": .null, "empty": .null,
            "quoted_number": .string("1900"), "quoted_bool": .string("true"), "text": .string("1900m"),
            "korean": .string("예"), "dotted": .double(0.5),
        ])
    }

    @Test func test_quoted_prices_and_repeated_keys_are_still_errors() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            price: "12000"
            summary: 산뜻함
            summary: 쌉쌀함
            """)])
        let found = problems(shop)
        #expect(found.contains { $0.hasPrefix("content/products/tea.md:") && $0.contains("'summary' is written twice") })
        let quoted = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            price: "12000"
            """)])
        #expect(problems(quoted).contains { $0.contains("'price' must be a whole number") && $0.contains("remove the quotes") })
    }

    @Test func test_misspelt_key_names_file_line_and_suggests_the_key() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            prcie: 12000
            """)])
        let found = problems(shop)
        #expect(found.contains("content/products/tea.md:3: unknown key 'prcie' — did you mean 'price'?"))
        #expect(found.contains { $0.hasPrefix("content/products/tea.md:1: missing 'price'") })
    }

    @Test func test_malformed_yaml_reports_the_line_it_breaks_on() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            price: 12000
            tags: [녹차, 유기농
            summary: 산뜻함
            """)])
        let found = problems(shop)
        #expect(found.count == 1)
        let message = try #require(found.first)
        #expect(message.hasPrefix("content/products/tea.md:5: malformed YAML"))
        #expect(message.contains("check the indentation"))
    }

    @Test func test_wrong_types_say_how_to_write_the_value() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            price: "12000"
            stock: 많음
            draft: 아니오
            tags: { a: b }
            """)])
        let found = problems(shop)
        #expect(found.contains("content/products/tea.md:3: 'price' must be a whole number, not '12000' — remove the quotes: price: 12000"))
        #expect(found.contains { $0.hasPrefix("content/products/tea.md:4: 'stock' must be a whole number") })
        #expect(found.contains { $0.hasPrefix("content/products/tea.md:5: 'draft' must be true or false") })
        #expect(found.contains { $0.hasPrefix("content/products/tea.md:6: 'tags' must be a list") })
    }

    @Test func test_price_with_thousands_separator_gets_a_fix() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("title: 녹차\nprice: 12,000원")])
        #expect(problems(shop) == ["content/products/tea.md:3: 'price' must be a whole number, not '12,000원' — write the number without separators or units: price: 12000"])
    }

    @Test(arguments: ["price: 0", "price: -500"])
    func test_non_positive_price_is_an_error(line: String) throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("title: 녹차\n" + line)])
        let found = problems(shop)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("content/products/tea.md:3: price must be more than 0") == true)
    }

    @Test func test_option_without_values_is_an_error() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            price: 12000
            options:
              - name: 용량
              - name: 포장
                values: []
            """)])
        let found = problems(shop)
        #expect(found.contains { $0.hasPrefix("content/products/tea.md:5: missing 'options[0].values'") })
        #expect(found.contains { $0.hasPrefix("content/products/tea.md:6: option '포장' has no values") })
    }

    @Test func test_a_sku_spelled_outside_ascii_is_an_error_naming_file_line_and_field() throws {
        // U+212A KELVIN SIGN looks like K and is the same to Swift's ==; it is no SKU.
        let shop = try TemporaryShop(files: [
            "content/products/kit.md": TemporaryShop.product("title: 키트\nsku: KIT-\u{212A}\nprice: 1000"),
        ])
        let found = problems(shop)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("content/products/kit.md:3: sku 'KIT-\u{212A}' is not a valid SKU") == true)
        #expect(found.first?.contains("A-Z a-z 0-9 . _ -") == true)
    }

    @Test func test_duplicate_skus_name_both_files() throws {
        let shop = try TemporaryShop(files: [
            "content/products/a.md": TemporaryShop.product("title: A\nsku: SAME\nprice: 1000"),
            "content/products/b.md": TemporaryShop.product("title: B\nsku: SAME\nprice: 2000"),
        ])
        #expect(problems(shop) == ["content/products/b.md: SKU 'SAME' is also used by content/products/a.md — every product needs its own sku:"])
    }

    @Test func test_a_product_defined_as_a_file_and_as_a_bundle_names_both_once() throws {
        let shop = try TemporaryShop(files: [
            "content/products/tea.md": TemporaryShop.product("title: 녹차\nsku: TEA-1\nprice: 1000"),
            "content/products/tea/index.md": TemporaryShop.product("title: 녹차\nsku: TEA-2\nprice: 1000"),
            "content/products/a-tea.md": TemporaryShop.product("title: A\nsku: A-1\nprice: 1000"),
            "content/products/a-tea/index.md": TemporaryShop.product("title: A\nsku: A-2\nprice: 1000"),
        ])
        #expect(problems(shop) == [
            "content/products/a-tea.md: product 'a-tea' is also defined by content/products/a-tea/index.md — keep either a-tea.md or a-tea/index.md",
            "content/products/tea.md: product 'tea' is also defined by content/products/tea/index.md — keep either tea.md or tea/index.md",
        ])
    }

    @Test func test_missing_image_is_an_error_with_its_line() throws {
        let shop = try TemporaryShop(files: ["content/products/tea.md": TemporaryShop.product("""
            title: 녹차
            price: 12000
            category: tea
            images: [/images/none.jpg]
            """)])
        let found = problems(shop)
        #expect(found == ["content/products/tea.md:5: image '/images/none.jpg' does not exist (looked for static/images/none.jpg) — put the file under static/, or fix the name"])
    }

    @Test func test_a_category_nobody_declared_is_used_after_the_declared_ones() throws {
        let shop = try TemporaryShop(files: [
            "content/products/a.md": TemporaryShop.product("title: A\nprice: 1000\ncategory: tools"),
            "content/products/b.md": TemporaryShop.product("title: B\nprice: 1000\ncategory: tools"),
            "content/products/c.md": TemporaryShop.product("title: C\nprice: 1000\ncategory: bags"),
            "content/products/d.md": TemporaryShop.product("title: D\nprice: 1000\ncategory: tea"),
        ])
        let loaded = try ShopLoader.load(from: shop.root)
        #expect(loaded.categories.map(\.slug) == ["coffee", "tea", "bags", "tools"])
        #expect(loaded.categories.map(\.title) == ["커피", "차", "bags", "tools"])
        #expect(loaded.warnings.filter { $0.message.contains("category") }.isEmpty)
    }

    @Test func test_a_category_used_once_next_to_a_near_twin_is_a_warning_with_its_line() throws {
        let shop = try TemporaryShop(files: [
            "content/products/a.md": TemporaryShop.product("title: A\nprice: 1000\ncategory: cofee"),
            "content/products/b.md": TemporaryShop.product("title: B\nprice: 1000\ncategory: coffee"),
            "content/products/c.md": TemporaryShop.product("title: C\nprice: 1000\ncategory: mugs"),
        ])
        let loaded = try ShopLoader.load(from: shop.root)
        let warnings = loaded.warnings.filter { $0.message.contains("category") }.map(\.description)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("content/products/a.md:4: category 'cofee' is used by this product only — did you mean 'coffee'?") == true)
    }

    @Test func test_a_category_that_cannot_be_an_address_is_an_error() throws {
        let shop = try TemporaryShop(files: ["content/products/a.md": TemporaryShop.product(
            "title: A\nprice: 1000\ncategory: Hand Drip")])
        #expect(problems(shop) == ["content/products/a.md:4: category 'Hand Drip' cannot be part of a page address — write category: hand-drip (lower-case letters, digits and '-'), and give it a title under shop.yml's categories:"])
    }

    // MARK: - 상품정보제공고시

    @Test func test_notice_keeps_the_authors_order_and_reads_yes_no_and_lists() throws {
        let shop = try TemporaryShop(files: ["content/products/a.md": TemporaryShop.product("""
            title: A
            price: 1000
            notice:
              type: 기타 재화
              품명 및 모델명: 머그 (M-1)
              제조국(원산지): 대한민국
              제조자: 온기공방
              인증 여부: false
              구성: [머그, 받침]
              소비자상담 관련 전화번호: 02-123-4567
            """)])
        let notice = try #require(try ShopLoader.load(from: shop.root).products.first?.notice)
        #expect(notice.type == "기타 재화")
        #expect(notice.rows.map(\.label) == ["품명 및 모델명", "제조국(원산지)", "제조자", "인증 여부", "구성", "소비자상담 관련 전화번호"])
        #expect(notice.rows[3].value == "아니오")
        #expect(notice.rows[4].value == "머그, 받침")
    }

    @Test func test_notice_missing_a_required_field_warns_naming_it_at_the_type_line() throws {
        let shop = try TemporaryShop(files: ["content/products/beans.md": TemporaryShop.product("""
            title: 원두
            price: 18000
            notice:
              type: 가공식품
              제품명: 예가체프 원두
              식품의 유형: 볶은커피
              생산자 및 소재지: 온기 로스터리 / 서울
              제조연월일: 포장에 표시
              내용량: 200g
              원재료명 및 함량: 커피원두 100%
              소비자안전을 위한 주의사항: 서늘한 곳에 보관
              소비자상담 관련 전화번호: 02-123-4567
            """)])
        let warnings = try noticeWarnings(shop).map(\.description)
        #expect(warnings == ["content/products/beans.md:5: notice for 가공식품 lacks '소비기한 또는 품질유지기한', which the 고시 requires — add 소비기한 또는 품질유지기한: … under notice: (or '상세페이지 참조' when the description gives it)"])
    }

    @Test(arguments: [
        ("농수축산물", ["품목 또는 명칭", "포장단위별 용량(중량), 수량, 크기", "생산자", "원산지", "제조연월일(포장일 또는 생산연도)",
                   "소비기한 또는 품질유지기한", "상품구성", "보관방법 또는 취급방법", "소비자상담 관련 전화번호"]),
        ("의류", ["제품 소재", "색상", "치수", "제조자", "제조국", "세탁방법 및 취급 시 주의사항", "제조연월", "품질보증기준",
                "A/S 책임자와 전화번호"]),
        ("화장품", ["용량 또는 중량", "제품 주요 사양", "사용기한 또는 개봉 후 사용기간", "사용방법",
                 "화장품제조업자 및 화장품책임판매업자", "제조국", "화장품법에 따라 기재해야 하는 모든 성분", "기능성 화장품 심사 필 유무",
                 "사용할 때의 주의사항", "품질보증기준", "소비자상담 전화번호"]),
        ("기타 재화", ["품명 및 모델명", "제조국(원산지)", "제조자(수입품은 수입자 병기)", "소비자상담 관련 전화번호"]),
    ])
    func test_an_empty_notice_of_each_checked_group_names_every_required_field(type: String, fields: [String]) throws {
        let shop = try TemporaryShop(files: ["content/products/a.md": TemporaryShop.product(
            "title: A\nprice: 1000\nnotice:\n  type: \(type)\n  비고: 없음")])
        let warnings = try noticeWarnings(shop).map(\.message)
        #expect(Set(warnings) == Set(fields.map { "notice for \(type) lacks '\($0)', which the 고시 requires" }))
        #expect(warnings.count == fields.count)
    }

    @Test func test_notice_type_that_is_no_group_suggests_the_nearest() throws {
        let shop = try TemporaryShop(files: ["content/products/a.md": TemporaryShop.product(
            "title: A\nprice: 1000\nnotice:\n  type: 가공 식픔\n  제품명: A")])
        let warnings = try noticeWarnings(shop).map(\.description)
        #expect(warnings == ["content/products/a.md:5: notice type '가공 식픔' is not a product group of the 고시 — did you mean '가공식품'?"])
    }

    @Test func test_a_group_gage_does_not_check_is_accepted_silently() throws {
        let shop = try TemporaryShop(files: ["content/products/a.md": TemporaryShop.product(
            "title: A\nprice: 1000\nnotice:\n  type: 서적\n  도서명: A")])
        #expect(try noticeWarnings(shop).isEmpty)
    }

    @Test func test_every_problem_of_every_file_is_reported_in_one_run() throws {
        let shop = try TemporaryShop(settings: "title: 가게\n", files: [
            "content/products/a.md": TemporaryShop.product("title: A"),
            "content/products/b.md": TemporaryShop.product("title: B\nprice: 100\ncolour: red"),
            "content/products/c.md": "no front matter here",
        ])
        let found = problems(shop)
        #expect(found.contains { $0.hasPrefix("shop.yml:1: missing 'iamport.merchant_code'") })
        #expect(found.contains { $0.hasPrefix("content/products/a.md:1: missing 'price'") })
        #expect(found.contains { $0.hasPrefix("content/products/b.md:4: unknown key 'colour'") })
        #expect(found.contains { $0.hasPrefix("content/products/c.md:1: no front matter") })
        #expect(found.count == 4)
    }

    @Test func test_drafts_are_validated_but_left_out_of_the_shop_and_catalog() throws {
        let shop = try TemporaryShop(files: [
            "content/products/a.md": TemporaryShop.product("title: A\nprice: 1000"),
            "content/products/b.md": TemporaryShop.product("title: B\nprice: 2000\ndraft: true"),
        ])
        let published = try ShopLoader.load(from: shop.root)
        #expect(published.products.map(\.slug) == ["a"])
        #expect(published.catalog.products.map(\.sku) == ["a"])
        let withDrafts = try ShopLoader.load(from: shop.root, includeDrafts: true)
        #expect(withDrafts.products.map(\.slug) == ["a", "b"])
        #expect(withDrafts.catalog.products.map(\.sku) == ["a"])
    }

    @Test func test_invalid_default_sku_asks_for_an_explicit_one() throws {
        let shop = try TemporaryShop(files: ["content/products/녹차.md": TemporaryShop.product("title: 녹차\nprice: 1000")])
        #expect(problems(shop).contains { $0.contains("the SKU defaults to the file name '녹차'") })
    }

    @Test func test_products_are_listed_by_weight_then_title() throws {
        let shop = try TemporaryShop(files: [
            "content/products/a.md": TemporaryShop.product("title: 다\nprice: 1000"),
            "content/products/b.md": TemporaryShop.product("title: 나\nprice: 1000\nweight: 2"),
            "content/products/c.md": TemporaryShop.product("title: 가\nprice: 1000"),
            "content/products/d.md": TemporaryShop.product("title: 라\nprice: 1000\nweight: 1"),
        ])
        #expect(try ShopLoader.load(from: shop.root).products.map(\.slug) == ["d", "b", "c", "a"])
    }
}

@Suite struct ShopSettingsTests {
    @Test func test_defaults_fill_everything_but_title_and_merchant_code() {
        let (settings, problems) = ShopSettings.parse("title: 가게\niamport: { merchant_code: imp00000001 }\n")
        #expect(problems.isEmpty)
        let parsed = try? #require(settings)
        #expect(parsed?.language == .ko)
        #expect(parsed?.currency == "KRW")
        // No base_url: the local address; the prefix is the shop's id, not a constant every shop shares.
        #expect(parsed?.orderPrefix == "localhost-" + String(ContentHash.of("http://localhost:1313").prefix(6)) + "-")
        #expect(parsed?.checkout.priceGraceMinutes == 60 && parsed?.checkout.vbankHours == 72)
        #expect(parsed?.iamport.sdkURL == "https://cdn.iamport.kr/v1/iamport.js")
        #expect(parsed?.iamport.payMethods == ["card", "trans", "vbank", "phone"])
    }

    @Test func test_missing_merchant_code_is_an_error_with_where_to_find_it() {
        let (_, problems) = ShopSettings.parse("title: 가게\n")
        #expect(problems.map(\.description) == ["shop.yml:1: missing 'iamport.merchant_code' — add iamport:\n    merchant_code: imp12345678   # 가맹점 식별코드 from the PortOne console\n(or, for a PortOne V2 store, portone:\n    store_id: store-…\n    channel_key: channel-key-…)"])
    }

    @Test func test_a_portone_block_makes_a_v2_shop_with_its_channels() {
        let (settings, problems) = ShopSettings.parse("""
            title: 가게
            portone:
              store_id: store-4f1e2d3c-0000-4000-8000-000000000001
              pay_methods: [CARD, VIRTUAL_ACCOUNT]
              channel_keys:
                CARD: channel-key-card
                VIRTUAL_ACCOUNT: channel-key-vbank
            """)
        #expect(problems.isEmpty)
        #expect(settings?.provider == .portone)
        #expect(settings?.sdkURL == "https://cdn.portone.io/v2/browser-sdk.js")
        let channels = settings?.paymentChannels
        #expect(channels?.api == .portone && channels?.storeID == "store-4f1e2d3c-0000-4000-8000-000000000001")
        #expect(channels?.channelKey(for: "VIRTUAL_ACCOUNT") == "channel-key-vbank")
        #expect(channels?.channelKey(for: "MOBILE") == nil)
    }

    @Test func test_portone_mistakes_name_the_line_and_the_fix() {
        let (_, both) = ShopSettings.parse("title: 가게\niamport:\n  merchant_code: imp123\nportone:\n  store_id: store-1\n  channel_key: k\n")
        #expect(both.map(\.description) == ["shop.yml:4: shop.yml has both iamport: and portone: — keep one: iamport: for a PortOne V1 (imp…) account, portone: for a V2 store (store-…)"])
        let (_, bad) = ShopSettings.parse("title: 가게\nportone:\n  store_id: shop-1\n  pay_methods: [CARD, VBANK]\n  channel_keys:\n    CARD: k\n")
        #expect(bad.map(\.description) == [
            "shop.yml:3: portone.store_id 'shop-1' is not a store id — copy it from the PortOne console (결제 연동 → 식별코드): store-…",
            "shop.yml:4: unknown PortOne V2 pay method 'VBANK' — use CARD, TRANSFER, VIRTUAL_ACCOUNT, MOBILE or EASY_PAY",
            "shop.yml:5: portone.channel_keys has no channel for VBANK — add VBANK: channel-key-… under channel_keys, or drop VBANK from pay_methods",
        ])
    }

    @Test func test_bad_values_in_shop_yml_are_reported_with_lines() {
        let (_, problems) = ShopSettings.parse("""
            title: 가게
            base_url: shop.example.kr
            iamport:
              merchant_code: 12345
              pay_methods: [card, vbnak]
            checkout:
              order_prefix: "my shop/"
            currency: USD
            """)
        let text = problems.map(\.description)
        #expect(text.contains { $0.hasPrefix("shop.yml:2: base_url 'shop.example.kr' is not an absolute URL") })
        #expect(text.contains { $0.hasPrefix("shop.yml:4: iamport.merchant_code '12345' is not a merchant code") })
        #expect(text.contains("shop.yml:5: unknown pay method 'vbnak' — did you mean 'vbank'?"))
        #expect(text.contains { $0.hasPrefix("shop.yml:7: checkout.order_prefix 'my shop/' cannot start an order number") })
        #expect(text.contains { $0.hasPrefix("shop.yml:8: currency 'USD' is not supported") })
    }

    @Test func test_base_path_and_origin_come_from_base_url() {
        let (settings, _) = ShopSettings.parse("title: t\nbase_url: https://example.kr:8443/shop\niamport: {merchant_code: imp1}\n")
        #expect(settings?.baseURL == "https://example.kr:8443/shop/")
        #expect(settings?.basePath == "/shop/")
        #expect(settings?.origin == "https://example.kr:8443")
    }
}

@Suite struct SuggestionTests {
    @Test func test_transpositions_and_typos_find_the_key() {
        let keys = ProductSource.keys
        #expect(Suggestion.closest(to: "prcie", among: keys) == "price")
        #expect(Suggestion.closest(to: "titel", among: keys) == "title")
        #expect(Suggestion.closest(to: "maxquantity", among: keys) == "max_quantity")
        #expect(Suggestion.closest(to: "zzzzzz", among: keys) == nil)
        #expect(Suggestion.closest(to: "merchant", among: ["merchant_code", "pg"]) == "merchant_code")
    }
}

@Suite struct SubscriptionOfferTests {
    static let billingSettings = TemporaryShop.minimalSettings.replacingOccurrences(
        of: "  merchant_code: imp12345678\n", with: "  merchant_code: imp12345678\n  billing_pg: html5_inicis.INIBillTst\n")

    @Test func test_a_subscription_offer_reaches_the_catalog_with_its_price() throws {
        let shop = try TemporaryShop(settings: Self.billingSettings, files: [
            "content/products/bean.md": TemporaryShop.product("""
                title: 원두
                price: 18000
                subscription:
                  intervals: [2w, 4w, 1m]
                  price: 16200
                """),
            "content/products/tea.md": TemporaryShop.product("title: 차\nprice: 9000\nsubscription: { intervals: [1m] }"),
        ])
        let catalog = try ShopLoader.load(from: shop.root).catalog
        #expect(catalog.product(sku: "bean")?.subscription == SubscriptionOffer(intervals: ["2w", "4w", "1m"], price: 16200))
        #expect(catalog.product(sku: "tea")?.subscription == SubscriptionOffer(intervals: ["1m"], price: 9000))
        #expect(catalog.payment.billingPG == "html5_inicis.INIBillTst")
    }

    @Test func test_bad_offers_name_the_file_the_line_and_the_fix() throws {
        let shop = try TemporaryShop(settings: Self.billingSettings, files: [
            "content/products/a.md": TemporaryShop.product("title: A\nprice: 1000\nsubscription:\n  intervals: [2d]"),
            "content/products/b.md": TemporaryShop.product("title: B\nprice: 1000\nsubscription:\n  intervals: [0w]"),
            "content/products/c.md": TemporaryShop.product("title: C\nprice: 1000\nsubscription:\n  intervals: [1m]\n  price: 0"),
            "content/products/d.md": TemporaryShop.product("title: D\nprice: 1000\nsubscription:\n  interval: [1m]"),
            "content/products/e.md": TemporaryShop.product("title: E\nprice: 1000\nadult_only: true\nsubscription: { intervals: [1m] }"),
        ])
        let found = problems(shop)
        #expect(found.contains { $0.hasPrefix("content/products/a.md:5:") && $0.contains("'2d'") && $0.contains("weeks or months") })
        #expect(found.contains { $0.hasPrefix("content/products/b.md:5:") && $0.contains("'0w'") && $0.contains("at least 1") })
        #expect(found.contains { $0.hasPrefix("content/products/c.md:6:") && $0.contains("subscription.price must be more than 0") })
        #expect(found.contains { $0.hasPrefix("content/products/d.md:5:") && $0.contains("did you mean 'intervals'") })
        #expect(found.contains { $0.hasPrefix("content/products/e.md") && $0.contains("adult_only product cannot be sold as a subscription") })
    }

    @Test func test_an_offer_without_a_billing_pg_is_an_error_in_the_product() throws {
        let shop = try TemporaryShop(files: [
            "content/products/a.md": TemporaryShop.product("title: A\nprice: 1000\nsubscription: { intervals: [1m] }"),
        ])
        #expect(problems(shop).contains { $0.hasPrefix("content/products/a.md:4:") && $0.contains("billing_pg") })
    }
}

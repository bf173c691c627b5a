import ArgumentParser
import Foundation
import GageCatalog

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create content from a template.", subcommands: [NewProduct.self])
}

struct NewProduct: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "product",
        abstract: "Create a product file with every product key filled in.",
        discussion: """
            NAME is the product's name ("제주 감귤 5kg") or its address (jeju-gamgyul-5kg). A name becomes the \
            title, and the address is made from it: romanised (jeju-gamgyul-5kg), or product-N when nothing \
            readable is left. --slug chooses the address yourself.
            """)

    @Argument(help: "The product's name, or its slug (e.g. \"제주 감귤 5kg\" or yirgacheffe-200g).")
    var name: String

    @Option(help: "The file name and page address (default: made from NAME).")
    var slug: String?

    @Option(name: .shortAndLong, help: "The shop's source folder.")
    var source: String = "."

    func validate() throws {
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("give the product a name, e.g. gage new product \"제주 감귤 5kg\"")
        }
        if let slug, !Slug.isValid(slug) {
            throw ValidationError("'\(slug)' cannot be a page address; try '\(Slug.make(from: slug))'")
        }
    }

    func run() throws {
        let folder = source + "/content/products"
        let title = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let chosen = slug ?? Slug.forNewContent(named: title) { candidate in
            FileManager.default.fileExists(atPath: folder + "/\(candidate).md")
                || FileManager.default.fileExists(atPath: folder + "/\(candidate)")
        }
        let path = folder + "/\(chosen).md"
        guard !FileManager.default.fileExists(atPath: path),
              !FileManager.default.fileExists(atPath: folder + "/\(chosen)/index.md") else {
            throw ValidationError("content/products/\(chosen) already exists; choose another with --slug")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let sku = chosen.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        // A JSON string is a valid YAML double-quoted scalar: any name (with ':' or '#') is written safely.
        let quotedTitle = String(decoding: try JSONEncoder().encode(title), as: UTF8.self)
        let text = """
        ---
        title: \(quotedTitle)
        sku: \(sku.isEmpty ? "SKU-1" : String(sku.prefix(64)))
        price: 10000
        summary: 한 줄 소개
        # compare_at: 12000
        # images: [photo.jpg]
        # category: coffee
        # tags: [태그]
        # stock: 10
        # max_quantity: 5
        # options:
        #   - name: 사이즈
        #     values:
        #       - label: S
        #       - label: L
        #         price: 1000
        # notice:                 # 상품정보제공고시 (gage check names the fields your type needs)
        #   type: 가공식품
        #   제품명: …
        draft: true
        ---
        상품 설명을 Markdown으로 적습니다.

        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("Created \(path) (draft: true; set draft: false to publish).")
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new shop folder with a starter shop.yml (PortOne V2 unless --v1).",
        discussion: """
            The shop.yml holds placeholders (상호, 주소, store id, …): gage check and gage doctor name each one \
            still to replace before the shop takes real money.
            """)

    @Argument(help: "The folder to create.")
    var directory: String

    @Flag(help: "Start an Iamport (PortOne V1, imp…) shop instead of a PortOne V2 one.")
    var v1 = false

    /// The payment block: V2 is what a PortOne sign-up gets today; V1 for an existing Iamport account.
    var paymentSettings: String {
        v1 ? """
        iamport:
          merchant_code: imp00000000      # 가맹점 식별코드 (PortOne 콘솔 → 결제 연동 → 식별코드)
          pg: html5_inicis.INIpayTest     # PG 와 MID: INIpayTest 는 이니시스 테스트 MID, 계약 후 실제 MID 로
          pay_methods: [card, trans, vbank]
        """ : """
        portone:
          store_id: store-00000000-0000-0000-0000-000000000000     # 상점 아이디 (PortOne 콘솔 → 결제 연동 → 식별코드)
          channel_key: channel-key-00000000-0000-0000-0000-000000000000   # 연동한 채널의 키 (결제 연동 → 채널 관리)
          pay_methods: [CARD, TRANSFER, VIRTUAL_ACCOUNT]
        """
    }

    func run() throws {
        let fileManager = FileManager.default
        if let entries = try? fileManager.contentsOfDirectory(atPath: directory), !entries.isEmpty {
            throw ValidationError("\(directory) exists and is not empty")
        }
        for folder in ["content/products", "templates", "static"] {
            try fileManager.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        let settings = """
        title: 내 가게
        base_url: https://shop.example.kr/
        language: ko
        \(paymentSettings)
        checkout:
          verify_url: /verify             # gage-verify 가 도는 주소
          shipping: { fee: 3000, free_over: 50000 }
          order_prefix: gage-
          escrow: true                    # 계좌이체·가상계좌는 구매안전서비스(에스크로)로 (PG 계약 필요)
        categories:
          - slug: goods
            title: 상품
        business:                         # 사업자 정보: 모든 페이지 하단에 표시 (전자상거래법)
          name: 상호
          representative: 대표자
          registration_number: 000-00-00000
          mail_order_number: 제0000-서울-0000호
          address: 주소
          postcode: "00000"               # 사업장 우편번호: 에스크로 배송 등록에 필요
          phone: 010-0000-0000
          email: hello@example.kr
          hosting: 호스팅 서비스 제공자

        """
        try settings.write(toFile: directory + "/shop.yml", atomically: true, encoding: .utf8)
        let about = "---\ntitle: 소개\n---\n가게를 소개해 주세요.\n"
        try about.write(toFile: directory + "/content/about.md", atomically: true, encoding: .utf8)
        // The build's output and its photo cache are made from the source: neither belongs in version control.
        try "public/\n.gage/\n".write(toFile: directory + "/.gitignore", atomically: true, encoding: .utf8)
        print("\(directory) 에 \(v1 ? "PortOne V1 (Iamport)" : "PortOne V2") 가게를 만들었습니다. 다음: cd \(directory) && "
              + "gage new product first-product && gage serve --sandbox")
        print("shop.yml 의 자리표시(상호, 주소, \(v1 ? "merchant_code" : "store_id, channel_key") …)는 gage check 가 하나씩 알려 줍니다.")
    }
}

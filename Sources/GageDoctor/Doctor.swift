import Foundation
import GageCatalog
import GageCore
import GageLedger
import GageNotify
import GagePayments
import GageSite

/// One line of `gage doctor`: ✓, or what to do.
public struct Finding: Sendable, Equatable {
    public enum Level: Sendable, Equatable {
        case ok
        /// Worth fixing; the shop can still take money.
        case warning
        /// The shop cannot safely take money until this is fixed (`gage doctor` exits 1).
        case blocking
    }

    public var level: Level
    /// What was checked, or the problem found.
    public var title: String
    /// What to do (nil on ✓).
    public var advice: String?

    public init(_ level: Level, _ title: String, advice: String? = nil) {
        self.level = level
        self.title = title
        self.advice = advice
    }
}

/// "Is my shop ready to take money?" (SPEC §13): the shop's source and its local build against the deployed
/// site and catalog.json, the function at verify_url (and its CORS for the shop's origin), the provider keys, the
/// ledger, the mail and chat servers, and the seller facts the law asks for. Every check reaches the real thing —
/// HTTP through libcurl, SMTP up to EHLO/login, the ledger's database — and sends no message unless `sendTest`.
public struct Doctor {
    public struct Options: Sendable {
        /// The shop's source folder.
        public var source: String
        /// The deployed shop (`--site`); nil: the built folder `public` is compared instead.
        public var site: String?
        /// The built folder compared when no site is given (default: `<source>/public`).
        public var publicFolder: String?
        /// The verify function's settings (the environment, or a GAGE_VERIFY_CONFIG file it names).
        public var environment: [String: String]
        /// Send a test e-mail to GAGE_SELLER_EMAIL and a test line to the chat webhook.
        public var sendTest: Bool

        public init(source: String, site: String? = nil, publicFolder: String? = nil, environment: [String: String],
                    sendTest: Bool = false) {
            self.source = source
            self.site = site
            self.publicFolder = publicFolder
            self.environment = environment
            self.sendTest = sendTest
        }
    }

    let options: Options
    var korean = true

    public init(options: Options) { self.options = options }

    func say(_ ko: String, _ en: String) -> String { korean ? ko : en }

    /// Runs every check in order; a check that cannot run because an earlier one failed says so.
    public mutating func run() -> [Finding] {
        var findings: [Finding] = []
        let shop: Shop
        do {
            shop = try ShopLoader.load(from: options.source)
        } catch {
            return [Finding(.blocking, say("shop.yml 과 상품 파일에 오류가 있습니다", "the shop's source has errors"),
                            advice: say("gage check 로 고칠 곳을 보세요", "run gage check to see what to fix")
                                + "\n" + error.diagnostics.prefix(5).map { "  \($0)" }.joined(separator: "\n"))]
        }
        korean = shop.settings.language == .ko
        findings += readiness(shop)
        let deployed = deployedCatalog(shop, findings: &findings)
        findings += function(shop, catalog: deployed)
        let settings: [String: String]
        do {
            settings = try Configuration.settings(environment: options.environment)
        } catch {
            findings.append(Finding(.blocking, say("함수 설정 파일을 읽을 수 없습니다", "the function's settings file cannot be read"),
                                    advice: error.description))
            return findings
        }
        findings += functionFiles(shop, settings: settings)
        findings += provider(shop, settings: settings)
        findings += ledger(settings)
        findings += notifications(settings)
        return findings
    }

    // MARK: - The shop's own facts

    func readiness(_ shop: Shop) -> [Finding] {
        let found = GoingLive.findings(settings: shop.settings, products: shop.products, root: shop.root)
        guard !found.isEmpty else {
            return [Finding(.ok, say("사업자 정보, 에스크로 우편번호, 상품정보제공고시가 모두 있습니다",
                                     "seller facts, the escrow postcode and every product's 고시 are filled in"))]
        }
        return found.map { diagnostic in
            Finding(.blocking, diagnostic.file + (diagnostic.line.map { ":\($0)" } ?? "") + ": " + diagnostic.message,
                    advice: diagnostic.hint)
        }
    }

    // MARK: - The deployed site

    /// Compares the deployed (or built) catalog.json with the one this source builds now; returns the deployed one.
    func deployedCatalog(_ shop: Shop, findings: inout [Finding]) -> Catalog? {
        let local = shop.catalog
        let text: String
        let place: String
        if let site = options.site {
            let url = Self.joined(site, "catalog.json")
            place = url
            switch fetch(url) {
            case let .success(response) where response.status == 200:
                text = String(decoding: response.body, as: UTF8.self)
            case let .success(response):
                findings.append(Finding(.blocking, say("\(url) 이(가) HTTP \(response.status) 로 답합니다", "\(url) answers HTTP \(response.status)"),
                                        advice: say("gage build 로 만든 public/ 폴더 전체를 정적 호스팅에 올리세요",
                                                    "upload the whole public/ folder gage build writes to the static host")))
                return nil
            case let .failure(error):
                findings.append(Finding(.blocking, say("\(site) 에 닿지 못했습니다", "\(site) cannot be reached"),
                                        advice: error.message))
                return nil
            }
        } else {
            let folder = options.publicFolder ?? shop.root + "/public"
            place = folder + "/catalog.json"
            guard let read = try? String(contentsOfFile: place, encoding: .utf8) else {
                findings.append(Finding(.blocking, say("\(place) 이(가) 없습니다", "\(place) does not exist"),
                                        advice: say("gage build 를 실행하거나, 배포된 가게를 --site https://… 로 알려 주세요",
                                                    "run gage build, or name the deployed shop with --site https://…")))
                return nil
            }
            text = read
        }
        guard let deployed = try? JSONDecoder().decode(Catalog.self, from: Data(text.utf8)) else {
            findings.append(Finding(.blocking, say("\(place) 은(는) Gage 의 catalog.json 이 아닙니다", "\(place) is not Gage's catalog.json"),
                                    advice: say("gage build 로 다시 만들어 올리세요", "build it again with gage build and upload it")))
            return nil
        }
        if deployed.version == local.version {
            findings.append(Finding(.ok, say("\(place) 이(가) 지금 소스로 빌드한 것과 같습니다 (버전 \(local.version))",
                                             "\(place) is what this source builds now (version \(local.version))")))
        } else {
            findings.append(Finding(.blocking, say("\(place) 이(가) 지금 소스와 다릅니다 (배포 \(deployed.version), 소스 \(local.version))",
                                                   "\(place) differs from what this source builds (deployed \(deployed.version), source \(local.version))"),
                                    advice: say("gage build 후 public/ 를 다시 올리고, 함수의 GAGE_CATALOG 에도 같은 catalog.json 과 emails.json 을 두세요",
                                                "run gage build, upload public/ again, and give the function the same catalog.json and emails.json (GAGE_CATALOG)")))
        }
        return deployed
    }

    // MARK: - The function

    /// The function at verify_url: it answers a request that names no payment with its own JSON error (so it runs,
    /// and is configured), and, when it is on another origin, allows the shop's origin.
    func function(_ shop: Shop, catalog: Catalog?) -> [Finding] {
        let base = options.site ?? shop.settings.baseURL
        let verifyURL = Self.resolve(shop.settings.checkout.verifyURL, against: base)
        let origin = CORS.origin(of: catalog?.baseURL ?? shop.settings.baseURL)
        var findings: [Finding] = []
        let posted = fetch(verifyURL, method: "POST", body: Array("{}".utf8),
                           headers: ["Content-Type: application/json", "Origin: \(origin)"])
        switch posted {
        case let .failure(error):
            return [Finding(.blocking, say("verify_url \(verifyURL) 에 닿지 못했습니다", "verify_url \(verifyURL) cannot be reached"),
                            advice: error.message + " — " + say("함수 호스트(docs/going-live.md)를 확인하세요",
                                                                "check the function host (docs/going-live.md)"))]
        case let .success(response):
            let reply = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            switch (response.status, reply?["ok"] as? Bool) {
            case (400, false?):
                findings.append(Finding(.ok, say("함수가 \(verifyURL) 에서 답합니다", "the function answers at \(verifyURL)")))
            case (500, false?):
                return [Finding(.blocking, say("함수가 설정 오류라고 답합니다 (\(verifyURL))", "the function says it is misconfigured (\(verifyURL))"),
                                advice: say("웹 서버의 오류 로그(함수의 stderr)에 빠진 설정이 적혀 있습니다: GAGE_CATALOG, GAGE_LEDGER, API 키",
                                            "the web server's error log (the function's stderr) names the missing setting: GAGE_CATALOG, GAGE_LEDGER, the API keys"))]
            default:
                return [Finding(.blocking, say("\(verifyURL) 이(가) 함수처럼 답하지 않습니다 (HTTP \(response.status))",
                                               "\(verifyURL) does not answer as the function (HTTP \(response.status))"),
                                advice: say("shop.yml 의 checkout.verify_url 과 웹 서버 설정(functions/verify/deploy)을 확인하세요",
                                            "check checkout.verify_url in shop.yml and the web server's recipe (functions/verify/deploy)"))]
            }
        }
        if CORS.origin(of: verifyURL) == origin {
            findings.append(Finding(.ok, say("함수가 가게와 같은 출처에 있어 CORS 가 필요 없습니다", "the function is on the shop's own origin: no CORS needed")))
            return findings
        }
        let preflight = fetch(verifyURL, method: "OPTIONS", body: nil,
                              headers: ["Origin: \(origin)", "Access-Control-Request-Method: POST",
                                        "Access-Control-Request-Headers: content-type"])
        let allowed = (try? posted.get())?.headers["access-control-allow-origin"]
        if case let .success(answer) = preflight, (200..<300).contains(answer.status),
           answer.headers["access-control-allow-origin"] == origin, allowed == origin {
            findings.append(Finding(.ok, say("함수가 가게의 출처 \(origin) 에 CORS 를 허용합니다", "the function allows the shop's origin \(origin) (CORS)")))
        } else {
            findings.append(Finding(.blocking, say("함수가 가게의 출처 \(origin) 에 CORS 를 허용하지 않습니다", "the function does not allow the shop's origin \(origin) (CORS)"),
                                    advice: say("함수의 catalog.json(GAGE_CATALOG)이 이 가게의 것인지 확인하거나, 함수를 가게와 같은 주소 아래(예: /verify)에 두세요",
                                                "check that the function's catalog.json (GAGE_CATALOG) is this shop's, or serve the function under the shop's own address (e.g. /verify)")))
        }
        return findings
    }

    /// The catalog.json and emails.json the function reads (GAGE_CATALOG, and emails.json beside it), when they
    /// are on this machine: the prices it charges by, and the sender of escrow deliveries.
    func functionFiles(_ shop: Shop, settings: [String: String]) -> [Finding] {
        guard let path = settings["GAGE_CATALOG"], FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path),
              let catalog = try? JSONDecoder().decode(Catalog.self, from: data) else {
            return [Finding(.blocking, say("함수의 GAGE_CATALOG (\(path)) 은(는) Gage 의 catalog.json 이 아닙니다", "the function's GAGE_CATALOG (\(path)) is not Gage's catalog.json"),
                            advice: say("gage build 가 만든 public/catalog.json 을 두세요", "put the public/catalog.json gage build writes there"))]
        }
        var findings: [Finding] = []
        if catalog.version == shop.catalog.version {
            findings.append(Finding(.ok, say("함수의 catalog.json 이 지금 소스와 같습니다", "the function's catalog.json is what this source builds")))
        } else {
            findings.append(Finding(.blocking, say("함수의 catalog.json (\(path)) 이(가) 지금 소스와 다릅니다", "the function's catalog.json (\(path)) differs from what this source builds"),
                                    advice: say("gage build 후 public/catalog.json 과 emails.json 을 함수 쪽에도 다시 두세요: 함수는 그 가격으로 판단합니다",
                                                "after gage build, copy public/catalog.json and emails.json to the function again: it prices by them")))
        }
        let emails = NotifySettings(values: settings).emailsPath
        if shop.settings.checkout.escrow, let emails, FileManager.default.fileExists(atPath: emails),
           EmailBundle.load(emailsPath: emails)?.shop.postcode == nil {
            findings.append(Finding(.blocking, say("함수의 emails.json 에 사업장 우편번호가 없습니다", "the function's emails.json has no business postcode"),
                                    advice: say("에스크로 배송 등록(gage orders ship)에 필요합니다: shop.yml 에 business.postcode 를 넣고 빌드한 emails.json 을 다시 두세요",
                                                "escrow delivery registration (gage orders ship) needs it: add business.postcode to shop.yml and deploy the built emails.json again")))
        }
        return findings
    }

    // MARK: - The provider

    /// The keys work: a lookup of a payment that cannot exist is answered "not found" (V1 takes a token first).
    func provider(_ shop: Shop, settings: [String: String]) -> [Finding] {
        let kind = shop.catalog.payment.api
        let configuration: Configuration
        do {
            configuration = try Configuration.load(environment: settings)
            try configuration.checkCredentials(for: shop.catalog)
        } catch {
            return [Finding(.blocking, say("함수 설정이 빠졌거나 틀렸습니다: \(error.description)", "the function's settings: \(error.description)"),
                            advice: kind == .portone
                                ? say("V2 가게: PORTONE_API_SECRET 과 PORTONE_WEBHOOK_SECRET (PortOne 콘솔 → 결제 연동 → 식별코드·API Keys), GAGE_CATALOG, GAGE_LEDGER 를 설정하세요",
                                      "a V2 shop: set PORTONE_API_SECRET and PORTONE_WEBHOOK_SECRET (PortOne console → 결제 연동 → 식별코드·API Keys), GAGE_CATALOG and GAGE_LEDGER")
                                : say("V1 가게: IAMPORT_API_KEY 와 IAMPORT_API_SECRET, GAGE_CATALOG, GAGE_LEDGER 를 설정하세요",
                                      "a V1 shop: set IAMPORT_API_KEY and IAMPORT_API_SECRET, GAGE_CATALOG and GAGE_LEDGER"))]
        }
        var findings: [Finding] = []
        if kind == .portone, configuration.portone?.webhookSecret == nil {
            findings.append(Finding(.blocking, say("PORTONE_WEBHOOK_SECRET 이 없습니다", "PORTONE_WEBHOOK_SECRET is not set"),
                                    advice: say("PortOne 콘솔의 웹훅 시크릿(whsec_…)을 넣으세요: 없으면 가상계좌 입금 웹훅을 받을 수 없습니다",
                                                "copy the webhook secret (whsec_…) from the PortOne console: without it no deposit webhook is taken")))
        }
        let client = VerifyFunction.makeProvider(configuration: configuration, catalog: shop.catalog, log: Log(enabled: false))
        let probe = kind == .portone ? "gage-doctor-\(UInt32.random(in: 0...UInt32.max))" : "imp_000000000000"
        do {
            _ = try client.payment(id: probe)
            findings.append(Finding(.warning, say("\(kind.displayName) 가 있을 수 없는 결제를 찾았다고 답합니다", "\(kind.displayName) claims a payment that cannot exist"),
                                    advice: say("IAMPORT_API_URL/PORTONE_API_URL 이 PortOne 인지 확인하세요", "check that IAMPORT_API_URL / PORTONE_API_URL point at PortOne")))
        } catch .notFound {
            findings.append(Finding(.ok, say("\(kind.displayName) API 키가 통합니다", "the \(kind.displayName) API keys work")))
        } catch {
            findings.append(Finding(.blocking, say("\(kind.displayName) API 키를 확인하지 못했습니다", "the \(kind.displayName) API keys could not be checked"),
                                    advice: ProviderAdvice.explain(error, call: .credentials, korean: korean)))
        }
        return findings
    }

    // MARK: - The ledger

    func ledger(_ settings: [String: String]) -> [Finding] {
        guard let name = settings["GAGE_LEDGER"], !name.isEmpty, let location = try? LedgerLocation(name) else {
            return [Finding(.blocking, say("GAGE_LEDGER 가 없습니다", "GAGE_LEDGER is not set"),
                            advice: say("주문 원장: SQLite 파일 경로나 postgres:// URL (docs/ledger.md)", "the order ledger: an SQLite file or a postgres:// URL (docs/ledger.md)"))]
        }
        if case let .sqlite(path) = location, !FileManager.default.fileExists(atPath: path) {
            let folder = (path as NSString).deletingLastPathComponent
            return [Finding(FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) ? .warning : .blocking,
                            say("원장 \(path) 이(가) 아직 없습니다", "the ledger \(path) does not exist yet"),
                            advice: say("첫 결제 때 함수가 만듭니다: 그 폴더를 웹 서버 사용자가 쓸 수 있어야 합니다 (install -d -o www-data -m 700 \(folder))",
                                        "the function creates it on its first decision: the web server's user must own its folder (install -d -o www-data -m 700 \(folder))"))]
        }
        do {
            let book = try Ledger(location: location)
            _ = try book.orders(status: "paid", since: Int(Date().timeIntervalSince1970))
            return [Finding(.ok, say("주문 원장이 열리고 최신 스키마입니다 (\(book.location))", "the ledger opens and is migrated (\(book.location))"))]
        } catch {
            return [Finding(.blocking, say("주문 원장을 열 수 없습니다", "the ledger cannot be opened"), advice: error.message)]
        }
    }

    // MARK: - Notifications

    func notifications(_ settings: [String: String]) -> [Finding] {
        let notify = NotifySettings(values: settings)
        var findings: [Finding] = notify.problems.map { Finding(.warning, $0) }
        if let url = notify.smtpURL {
            do {
                try SMTPMailer(url: url).probe()
                findings.append(Finding(.ok, say("메일 서버에 접속했습니다 (EHLO)", "the mail server answers (EHLO)")))
                if options.sendTest, let from = notify.mailFrom, let to = notify.sellerEmail {
                    try SMTPMailer(url: url).send(.test(from: from, to: to, subject: say("[Gage] 시험 메일", "[Gage] test mail"),
                                                        text: say("gage doctor --send-test 가 보낸 메일입니다.", "Sent by gage doctor --send-test."),
                                                        id: "doctor-\(UInt64.random(in: 0...UInt64.max))@gage"))
                    findings.append(Finding(.ok, say("시험 메일을 \(to) 에 보냈습니다", "a test mail went to \(to)")))
                }
            } catch {
                findings.append(Finding(.warning, say("메일 서버에 닿지 못했습니다", "the mail server cannot be reached"),
                                        advice: error.message + " — " + say("GAGE_SMTP_URL 을 확인하세요; 그동안 메일은 원장에 쌓였다가 gage orders notify 로 나갑니다",
                                                                            "check GAGE_SMTP_URL; until then mails wait in the ledger for gage orders notify")))
            }
        } else {
            findings.append(Finding(.warning, say("GAGE_SMTP_URL 이 없어 주문 메일을 보내지 않습니다", "GAGE_SMTP_URL is not set: no order mails go out"),
                                    advice: say("docs/notifications.md 를 보세요", "see docs/notifications.md")))
        }
        if let url = notify.chatWebhook {
            // A GET reaches the webhook without posting: Discord describes it, Slack refuses the method — either
            // way it exists. A deleted one is a 404.
            switch fetch(url) {
            case let .success(response) where response.status == 404 || response.status == 410 || response.status == 403:
                findings.append(Finding(.warning, say("채팅 웹훅이 없다고 답합니다 (HTTP \(response.status))", "the chat webhook says it does not exist (HTTP \(response.status))"),
                                        advice: say("Slack/Discord 에서 웹훅을 새로 만들어 GAGE_NOTIFY_WEBHOOK 에 넣으세요", "make a new incoming webhook and set GAGE_NOTIFY_WEBHOOK")))
            case .success:
                findings.append(Finding(.ok, say("채팅 웹훅 주소에 닿습니다", "the chat webhook is reachable")))
                if options.sendTest {
                    do {
                        try ChatTest.post(say("[Gage] gage doctor 의 시험 메시지입니다.", "[Gage] a test message from gage doctor."), to: url)
                        findings.append(Finding(.ok, say("채팅에 시험 메시지를 보냈습니다", "a test message went to the chat")))
                    } catch {
                        findings.append(Finding(.warning, say("채팅 시험 메시지가 거절되었습니다", "the chat refused the test message"), advice: error.message))
                    }
                }
            case let .failure(error):
                findings.append(Finding(.warning, say("채팅 웹훅에 닿지 못했습니다", "the chat webhook cannot be reached"), advice: error.message))
            }
        }
        return findings
    }

    // MARK: - HTTP

    func fetch(_ url: String, method: String = "GET", body: [UInt8]? = nil,
               headers: [String] = []) -> Result<HTTPResponse, TransportError> {
        do {
            return .success(try CurlHTTPClient(totalTimeout: .seconds(10)).send(method: method, url: url,
                                                                                  headers: headers + ["User-Agent: gage-doctor"],
                                                                                  body: body))
        } catch {
            return .failure(error)
        }
    }

    /// `https://shop/` + `catalog.json`.
    static func joined(_ base: String, _ path: String) -> String { (base.hasSuffix("/") ? base : base + "/") + path }

    /// verify_url as the pages use it: absolute as written, or a path on the shop's host.
    static func resolve(_ verifyURL: String, against base: String) -> String {
        if verifyURL.hasPrefix("http://") || verifyURL.hasPrefix("https://") { return verifyURL }
        let origin = CORS.origin(of: base)
        if verifyURL.hasPrefix("/") { return origin + verifyURL }
        return joined(base, verifyURL)
    }
}


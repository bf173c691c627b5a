import Foundation
import GageWebhooks
import IamportSandbox

/// One payment as the V2 stand-in keeps it.
struct V2Payment: Sendable {
    var id: String
    var transactionID: String
    var status: String
    var total: Int
    var cancelled = 0
    /// The tax-free part of `total` the payment was requested with (`taxFreeAmount`).
    var taxFree = 0
    /// `CARD`, `TRANSFER`, `VIRTUAL_ACCOUNT`, `MOBILE`, `EASY_PAY`.
    var method: String
    var channelKey: String
    var pgProvider: String
    var storeID: String
    var orderName: String
    var customData: String?
    var currency: String
    var customer: [String: String]
    var requestedAt: Int
    var paidAt: Int?
    var vbankDue: Int?
    /// The issuing bank as V2's `Bank` enum names it (`SHINHAN`, …).
    var vbankBank = "SHINHAN"
    /// EASY_PAY: the provider the request named (`easyPay.easyPayProvider`), e.g. `TOSSPAY`.
    var easyPayProvider: String?
    var cancelledTaxFree = 0
    /// A charge made with a billing key (now, or by a schedule).
    var billingKey: String?
    var cancellations: [(id: String, amount: Int, reason: String, at: Int, taxFree: Int)] = []
}

/// The PortOne V2 REST API as documented (shared/iamport-api.md §5, the V2 OpenAPI), in memory: `Authorization:
/// PortOne <secret>`, payments as the `Payment` schema's variants, errors as `{type, message}`, cancel with
/// `currentCancellableAmount`, pre-registration that refuses another amount, virtual-account close, the payment
/// listing. Control endpoints under `/__sandbox/` create payments, make deposits and partial cancels, arm faults,
/// and hand out webhooks signed the Standard Webhooks way for a test (or `gage serve`) to deliver.
public actor PortOneSandboxAPI: SandboxBackend {
    public nonisolated let secret: String
    public nonisolated let storeID: String
    /// `whsec_` + base64 of the signing key, as the PortOne console shows it.
    public nonisolated let webhookSecret: String
    /// Further stores the secret may act for: one merchant runs several stores with one API secret.
    var otherStores: Set<String> = []
    var payments: [String: V2Payment] = [:]
    var order: [String] = []
    var preRegistered: [String: Int] = [:]
    var faults = SandboxFaults()
    var billingKeys: [String: V2BillingKey] = [:]
    var billingKeyOrder: [String] = []
    var schedules: [String: V2Schedule] = [:]
    var scheduleOrder: [String] = []
    /// Charges still to decline: a key's (or any key's, when nil), one each.
    var declines: [(billingKey: String?, message: String)] = []
    var identityVerifications: [String: V2IdentityVerification] = [:]
    /// The card company's message of the decline taken last.
    var lastDeclineMessage = ""
    var calls: [[String: String]] = []
    var sequence = 0
    let clock: @Sendable () -> Int

    public init(secret: String = "sandbox_v2_secret", storeID: String = "store-00000000-0000-4000-8000-000000000000",
                webhookSecret: String = "whsec_" + Data("gage sandbox webhook signing key".utf8).base64EncodedString(),
                clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.secret = secret
        self.storeID = storeID
        self.webhookSecret = webhookSecret
        self.clock = clock
    }

    /// Lets the secret act for another store of the same merchant (`gage serve --sandbox` opens the shop's own).
    public func openStore(_ id: String) { otherStores.insert(id) }

    public func handle(method: String, path rawPath: String, query: [String: String], headers: [String: String],
                       body: Data) -> (SandboxResponse, SandboxFault?) {
        let path = SandboxAPI.normalize(rawPath)
        if path.hasPrefix("/__sandbox") { return (control(method: method, path: path, query: query, body: body), nil) }
        calls.append(["method": method, "path": path, "authorization": headers["authorization"] ?? "",
                      "body": String(decoding: body, as: UTF8.self)])
        return faults.answer(path: path, unauthorized: { Self.error(401, "UNAUTHORIZED", "인증 정보가 올바르지 않습니다.") },
                             refused: {
                                 Self.json(["type": "PG_PROVIDER", "message": "PG사에서 취소를 거절했습니다. (sandbox)",
                                            "pgCode": "F113", "pgMessage": "취소 불가 거래 (sandbox)"], status: 502)
                             },
                             route: { route(method: method, path: path, query: query, headers: headers, body: body) })
    }

    private func route(method: String, path: String, query: [String: String], headers: [String: String],
                       body: Data) -> SandboxResponse {
        guard let authorization = headers["authorization"], authorization == "PortOne \(secret)" else {
            return Self.error(401, "UNAUTHORIZED", "인증 정보가 올바르지 않습니다.")
        }
        if let store = query["storeId"], store != storeID, !otherStores.contains(store) { return Self.error(403, "FORBIDDEN", "요청이 거절되었습니다.") }
        let request = RouteMatcher(method: method, parts: path.split(separator: "/").map(String.init))
        if request.match("GET", "payments") != nil { return list(query["requestBody"] ?? String(decoding: body, as: UTF8.self)) }
        if let p = request.match("GET", "payments/*") {
            guard let payment = payments[p[0]] else { return Self.notFound() }
            return Self.json(render(payment))
        }
        if let p = request.match("POST", "payments/*/cancel") { return cancel(p[0], body: body) }
        if let p = request.match("POST", "payments/*/pre-register") { return preRegister(p[0], body: body) }
        if let p = request.match("POST", "payments/*/virtual-account/close") { return close(p[0]) }
        if let answer = billingRoute(request, query: query, body: body) { return answer }
        return Self.error(404, "NOT_FOUND", "요청한 경로가 없습니다.")
    }

    // MARK: - API

    private func cancel(_ id: String, body: Data) -> SandboxResponse {
        struct Body: Decodable {
            struct Account: Decodable { var bank: String, number: String, holderName: String }
            var reason: String?
            var amount: Int?
            var taxFreeAmount: Int?
            var currentCancellableAmount: Int?
            var refundAccount: Account?
        }
        guard let request = try? JSONDecoder().decode(Body.self, from: body), let reason = request.reason else {
            return Self.error(400, "INVALID_REQUEST", "reason은 필수입니다.")
        }
        guard var payment = payments[id] else { return Self.notFound() }
        if payment.status == "CANCELLED" { return Self.error(409, "PAYMENT_ALREADY_CANCELLED", "이미 취소된 결제입니다.") }
        guard payment.status == "PAID" || payment.status == "PARTIAL_CANCELLED" else {
            return Self.error(409, "PAYMENT_NOT_PAID", "결제가 완료되지 않았습니다.")
        }
        let cancellable = payment.total - payment.cancelled
        if let checksum = request.currentCancellableAmount, checksum != cancellable {
            return Self.error(409, "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN", "취소 가능 잔액 검증에 실패했습니다.")
        }
        let amount = request.amount ?? cancellable
        guard amount > 0, amount <= cancellable else {
            return Self.error(409, "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT", "취소 금액이 취소 가능 금액을 초과합니다.")
        }
        // As the API documents `taxFreeAmount`: left out, the whole cancel is taxable. Neither part may exceed what
        // is left of it, nor the tax-free part the cancel itself.
        let taxFree = request.taxFreeAmount ?? 0
        guard taxFree >= 0, taxFree <= amount else {
            return Self.error(409, "SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT", "면세 금액 등 하위 항목들의 합이 전체 취소 금액을 초과합니다.")
        }
        let taxFreeLeft = payment.taxFree - payment.cancelledTaxFree
        guard taxFree <= taxFreeLeft else {
            return Self.error(409, "CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT", "취소 면세 금액이 취소 가능한 면세 금액을 초과합니다.")
        }
        guard amount - taxFree <= cancellable - taxFreeLeft else {
            return Self.error(409, "CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT", "취소 과세 금액이 취소 가능한 과세 금액을 초과합니다.")
        }
        // A deposited virtual account is refunded by transfer: PortOne needs the account.
        if payment.method == "VIRTUAL_ACCOUNT", request.refundAccount == nil {
            return Self.error(400, "INVALID_REQUEST", "가상계좌 결제 취소에는 환불 계좌(refundAccount) 정보가 필요합니다.")
        }
        let cancellation = applyCancel(&payment, amount: amount, reason: reason, taxFree: taxFree)
        payments[id] = payment
        return Self.json(["cancellation": cancellation])
    }

    func applyCancel(_ payment: inout V2Payment, amount: Int, reason: String, taxFree: Int = 0) -> [String: Any] {
        sequence += 1
        let now = clock()
        let id = String(format: "cancel-%08d", sequence)
        payment.cancelled += amount
        payment.cancelledTaxFree += taxFree
        payment.cancellations.append((id, amount, reason, now, taxFree))
        payment.status = payment.cancelled >= payment.total ? "CANCELLED" : "PARTIAL_CANCELLED"
        return Self.cancellationObject(id: id, amount: amount, reason: reason, at: now, taxFree: taxFree)
    }

    private func preRegister(_ id: String, body: Data) -> SandboxResponse {
        struct Body: Decodable { var totalAmount: Int?, currency: String? }
        guard let request = try? JSONDecoder().decode(Body.self, from: body), let total = request.totalAmount, total > 0 else {
            return Self.error(400, "INVALID_REQUEST", "totalAmount는 필수입니다.")
        }
        if payments[id] != nil { return Self.error(409, "ALREADY_PAID", "이미 결제된 결제 건입니다.") }
        preRegistered[id] = total
        return Self.json([String: Any]())
    }

    private func close(_ id: String) -> SandboxResponse {
        guard var payment = payments[id] else { return Self.notFound() }
        guard payment.status == "VIRTUAL_ACCOUNT_ISSUED" else {
            return Self.error(409, "PAYMENT_NOT_WAITING_FOR_DEPOSIT", "입금 대기 상태가 아닙니다.")
        }
        payment.status = "CANCELLED"
        payment.cancellations.append(("close-\(id)", 0, "가상계좌 말소", clock(), 0))
        payments[id] = payment
        return Self.json(["closedAt": Self.rfc3339(clock())])
    }

    private func list(_ requestBody: String) -> SandboxResponse {
        struct Request: Decodable {
            struct Page: Decodable { var number: Int?, size: Int? }
            struct Filter: Decodable { var storeId: String?, from: String?, until: String?, status: [String]? }
            var page: Page?
            var filter: Filter?
        }
        let request = (try? JSONDecoder().decode(Request.self, from: Data(requestBody.utf8)))
        let from = request?.filter?.from.flatMap(Self.seconds) ?? 0
        let until = request?.filter?.until.flatMap(Self.seconds) ?? Int.max
        let statuses = request?.filter?.status.map(Set.init)
        let matching = order.compactMap { payments[$0] }.filter { payment in
            payment.requestedAt >= from && payment.requestedAt <= until
                && (statuses?.contains(payment.status) ?? true)
                && (request?.filter?.storeId.map { $0 == payment.storeID } ?? true)
        }.reversed()
        let number = max(0, request?.page?.number ?? 0)
        let size = min(max(1, request?.page?.size ?? 10), 1000)
        let items = Array(matching.dropFirst(number * size).prefix(size)).map(render)
        return Self.json(["items": items, "page": ["number": number, "size": items.count, "totalCount": matching.count]])
    }

    // MARK: - The Payment object

    /// The payment as `GET /payments/{paymentId}` answers it: the fields each status variant requires.
    func render(_ payment: V2Payment) -> [String: Any] {
        var object: [String: Any] = [
            "status": payment.status, "id": payment.id, "transactionId": payment.transactionID,
            "merchantId": "merchant-00000000-0000-4000-8000-000000000000", "storeId": payment.storeID,
            "version": "V2", "requestedAt": Self.rfc3339(payment.requestedAt),
            "updatedAt": Self.rfc3339(clock()), "statusChangedAt": Self.rfc3339(clock()),
            "orderName": payment.orderName, "currency": payment.currency,
            "amount": ["total": payment.total, "taxFree": payment.taxFree, "vat": (payment.total - payment.taxFree) / 11,
                       "supply": payment.total - payment.taxFree - (payment.total - payment.taxFree) / 11,
                       "discount": 0, "paid": payment.paidAt == nil ? 0 : payment.total, "cancelled": payment.cancelled,
                       "cancelledTaxFree": payment.cancelledTaxFree],
            "customer": customerObject(payment.customer),
            "channel": ["type": "TEST", "id": "channel-id-" + payment.channelKey.suffix(8), "key": payment.channelKey,
                        "name": "sandbox", "pgProvider": payment.pgProvider, "pgMerchantId": "sandbox-mid"],
            "isCulturalExpense": false,
            // Not in the OpenAPI file shipped with the docs, but required by portone-server-sdk 0.21.0.
            "origin": ["platformType": "PC", "ipAddress": "127.0.0.1"],
        ]
        if let customData = payment.customData { object["customData"] = customData }
        object["method"] = methodObject(payment)
        if let key = payment.billingKey { object["billingKey"] = key }
        switch payment.status {
        case "PAID", "PARTIAL_CANCELLED", "CANCELLED":
            if let paidAt = payment.paidAt {
                object["paidAt"] = Self.rfc3339(paidAt)
                object["pgTxId"] = "pg-" + payment.transactionID
                object["receiptUrl"] = "https://sandbox.invalid/receipt/" + payment.id
            }
            if payment.status == "PAID" { object["disputes"] = [Any]() }
            if payment.status != "PAID" {
                object["cancellations"] = payment.cancellations.map {
                    Self.cancellationObject(id: $0.id, amount: $0.amount, reason: $0.reason, at: $0.at, taxFree: $0.taxFree)
                }
                object["cancelledAt"] = Self.rfc3339(payment.cancellations.last?.at ?? clock())
            }
        case "FAILED":
            object["failedAt"] = Self.rfc3339(clock())
            object["failure"] = ["reason": "카드 승인이 거절되었습니다.", "pgCode": "F113", "pgMessage": "한도초과"]
        case "VIRTUAL_ACCOUNT_ISSUED", "PAY_PENDING":
            object["pgTxId"] = "pg-" + payment.transactionID
        default:
            // READY: no channel chosen yet, as the schema allows.
            object.removeValue(forKey: "channel")
            object.removeValue(forKey: "method")
        }
        return object
    }

    private func customerObject(_ customer: [String: String]) -> [String: Any] {
        var object: [String: Any] = [:]
        if let name = customer["name"] { object["name"] = name }
        if let email = customer["email"] { object["email"] = email }
        if let phone = customer["phone"] { object["phoneNumber"] = phone }
        if let address = customer["address"] { object["address"] = ["type": "ONE_LINE", "oneLine": address] }
        if let zipcode = customer["zipcode"] { object["zipcode"] = zipcode }
        return object
    }

    private func methodObject(_ payment: V2Payment) -> [String: Any] {
        switch payment.method {
        case "VIRTUAL_ACCOUNT":
            var account: [String: Any] = ["type": "PaymentMethodVirtualAccount", "bank": payment.vbankBank,
                                          "accountNumber": "56211" + String(payment.transactionID.suffix(6)),
                                          "accountType": "NORMAL", "remitteeName": "(주)샌드박스",
                                          "issuedAt": Self.rfc3339(payment.requestedAt)]
            if let due = payment.vbankDue { account["expiredAt"] = Self.rfc3339(due) }
            return account
        case "TRANSFER": return ["type": "PaymentMethodTransfer", "bank": "KOOKMIN"]
        case "MOBILE": return ["type": "PaymentMethodMobile", "phoneNumber": "01000000000"]
        case "EASY_PAY":
            // The provider the window was opened for, paid from a card registered with it.
            return ["type": "PaymentMethodEasyPay", "provider": payment.easyPayProvider ?? "KAKAOPAY",
                    "easyPayMethod": ["type": "PaymentMethodCard", "approvalNumber": "30001234",
                                      "card": ["publisher": "SHINHAN", "issuer": "SHINHAN", "brand": "LOCAL", "type": "CREDIT",
                                               "ownerType": "PERSONAL", "name": "신한카드", "number": "45184212****123*"],
                                      "installment": ["month": 0, "isInterestFree": false], "pointUsed": false]]
        default:
            return ["type": "PaymentMethodCard", "approvalNumber": "30001234",
                    "card": ["publisher": "SHINHAN", "issuer": "SHINHAN", "brand": "LOCAL", "type": "CREDIT",
                             "ownerType": "PERSONAL", "bin": "45184212", "name": "신한카드", "number": "45184212****123*"],
                    "installment": ["month": 0, "isInterestFree": false], "pointUsed": false]
        }
    }

    static func cancellationObject(id: String, amount: Int, reason: String, at: Int, taxFree: Int = 0) -> [String: Any] {
        ["status": "SUCCEEDED", "id": id, "pgCancellationId": "pg-" + id, "totalAmount": amount, "taxFreeAmount": taxFree,
         "vatAmount": amount / 11, "reason": reason, "cancelledAt": rfc3339(at), "requestedAt": rfc3339(at),
         "trigger": "API"]
    }

    // MARK: - Helpers

    static func json(_ object: Any, status: Int = 200) -> SandboxResponse {
        SandboxResponse(status: status, body: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    static func error(_ status: Int, _ type: String, _ message: String) -> SandboxResponse {
        json(["type": type, "message": message], status: status)
    }

    static func notFound() -> SandboxResponse { error(404, "PAYMENT_NOT_FOUND", "결제 건이 존재하지 않습니다.") }

    static func rfc3339(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
    }

    static func seconds(_ text: String) -> Int? {
        (try? Date.ISO8601FormatStyle().parse(text)).map { Int($0.timeIntervalSince1970) }
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)).map { Int($0.timeIntervalSince1970) }
    }
}

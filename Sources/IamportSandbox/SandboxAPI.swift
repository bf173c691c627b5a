import Foundation

/// One answer of the stand-in: status, JSON body, and how to misbehave if a fault is armed.
public struct SandboxResponse: Sendable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// A fault the next matching API calls suffer, armed through the control API.
public struct SandboxFault: Codable, Sendable, Equatable {
    /// `error500`, `slow`, `garbage`, `close` (the connection drops mid-answer), `unauthorized`, `refused` (the
    /// provider's own refusal, as a PG declining a cancel), `lost` (the call is carried out, then the connection
    /// drops before the answer: a cancel applied whose answer never arrives).
    public var kind: String
    /// How many calls it hits (default 1).
    public var count: Int?
    /// For `slow`: seconds to wait before answering.
    public var seconds: Double?
    /// Only calls whose path starts with this (default: every API call).
    public var pathPrefix: String?
    /// Only calls whose path ends with this (V2's `/payments/{id}/cancel`: `/cancel`).
    public var pathSuffix: String?

    enum CodingKeys: String, CodingKey { case kind, count, seconds, pathPrefix = "path_prefix", pathSuffix = "path_suffix" }
}

/// The faults armed and not yet spent, shared by both stand-ins: each hits the next `count` API calls under its
/// path prefix.
public struct SandboxFaults: Sendable {
    private var armed: [SandboxFault] = []

    public init() {}

    public mutating func arm(_ fault: SandboxFault) { armed.append(fault) }

    public mutating func removeAll() { armed.removeAll() }

    /// The faults armed and not yet spent.
    public var pending: [SandboxFault] { armed }

    /// Answers one API call: the fault it suffers (spending one hit) played over `route`. `unauthorized` is the
    /// provider's own 401; `slow` is the real answer, late; the others are the server misbehaving (see
    /// `SandboxServer`), so the route is not run.
    public mutating func answer(path: String, unauthorized: () -> SandboxResponse, refused: () -> SandboxResponse,
                                route: () -> SandboxResponse) -> (SandboxResponse, SandboxFault?) {
        guard let index = armed.firstIndex(where: { path.hasPrefix($0.pathPrefix ?? "/") && path.hasSuffix($0.pathSuffix ?? "") })
        else { return (route(), nil) }
        var fault = armed[index]
        let remaining = (fault.count ?? 1) - 1
        if remaining <= 0 { armed.remove(at: index) } else { fault.count = remaining; armed[index] = fault }
        switch fault.kind {
        case "unauthorized": return (unauthorized(), nil)
        case "refused": return (refused(), nil)
        case "slow", "lost": return (route(), fault)
        default: return (SandboxResponse(status: 200, body: Data()), fault)
        }
    }
}

/// One API call as the stand-in saw it, for tests to assert on.
public struct SandboxCall: Codable, Sendable {
    public var method: String
    public var path: String
    /// How the token came: `raw`, `bearer`, `x-imptokenheader`, or nil.
    public var tokenHeader: String?
    public var body: String
}

/// The Iamport V1 REST API as documented in shared/iamport-api.md, in memory: the envelope, HTTP 200 with a
/// non-zero code for business errors, 404 and 401 with the envelope, the three token header forms, JSON and
/// form bodies, the getToken re-use rules, prepare, cancel with checksum, find by merchant_uid, the status
/// listing. Plus a control API under `/__sandbox/` for tests and `gage serve --sandbox`.
public actor SandboxAPI: SandboxBackend {
    public nonisolated let key: String
    public nonisolated let secret: String
    /// Token lifetime in seconds (Iamport: 30 minutes).
    public var tokenLifetime = 1800
    private var token: (value: String, expiresAt: Int)?
    private var retiredTokens: Set<String> = []
    var payments: [String: SandboxPayment] = [:] { didSet { newestFirst = nil } }
    /// The payments' ids newest first, as the list endpoints page through them: sorted once per change, not once
    /// per page (a reconcile pages through every payment of a long test session).
    private var newestFirst: [String]?
    var paymentOrder: [String] = []
    /// Billing keys (`/subscribe/customers`), scheduled charges by merchant_uid, and declines armed for the next
    /// charges (see SandboxBilling.swift).
    var customers: [String: SandboxCustomer] = [:]
    var schedules: [String: SandboxSchedule] = [:]
    var scheduleOrder: [String] = []
    var declines: [SandboxDecline] = []
    private var prepared: [String: (amount: Int, currency: String?)] = [:]
    private var certifications: [String: SandboxCertification] = [:]
    /// Escrow deliveries registered with `POST /escrows/logis/{imp_uid}`, as Iamport answers them.
    private var escrowDeliveries: [String: [String: Any]] = [:]
    private var faults = SandboxFaults()
    private var calls: [SandboxCall] = []
    var clock: () -> Int
    var sequence = 0

    public init(key: String = "sandbox_key", secret: String = "sandbox_secret",
                clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.key = key
        self.secret = secret
        self.clock = clock
    }

    // MARK: - Entry point

    public func handle(method: String, path rawPath: String, query: [String: String], headers: [String: String],
                       body: Data) -> (SandboxResponse, SandboxFault?) {
        let path = Self.normalize(rawPath)
        if path.hasPrefix("/__sandbox") {
            return (control(method: method, path: path, body: body), nil)
        }
        let (tokenHeader, token) = Self.token(from: headers)
        calls.append(SandboxCall(method: method, path: path, tokenHeader: tokenHeader,
                                 body: String(decoding: body, as: UTF8.self)))
        return faults.answer(path: path, unauthorized: { Self.envelope(401, code: -1, message: "Unauthorized") },
                             refused: { Self.envelope(200, code: 1, message: "PG사에서 취소를 거절했습니다. (sandbox)") },
                             route: { route(method: method, path: path, query: query, token: token, body: body) })
    }

    /// Trailing and doubled slashes are accepted, as clients send both.
    public static func normalize(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return "/" + parts.joined(separator: "/")
    }

    /// `Authorization: <token>`, `Authorization: Bearer <token>` or `X-ImpTokenHeader: <token>`;
    /// Authorization wins when both are present.
    static func token(from headers: [String: String]) -> (String?, String?) {
        if let value = headers["authorization"] {
            if value.lowercased().hasPrefix("bearer ") { return ("bearer", String(value.dropFirst(7))) }
            return ("raw", value)
        }
        if let value = headers["x-imptokenheader"] { return ("x-imptokenheader", value) }
        return (nil, nil)
    }

    private func route(method: String, path: String, query: [String: String], token: String?, body: Data) -> SandboxResponse {
        let parts = path.split(separator: "/").map(String.init)
        if method == "POST" && path == "/users/getToken" { return getToken(body) }
        guard isValid(token) else { return Self.envelope(401, code: -1, message: "Unauthorized") }
        let request = RouteMatcher(method: method, parts: parts)
        if let p = request.match("GET", "payments/find/*") { return find(merchantUID: p[0], status: nil) }
        if let p = request.match("GET", "payments/find/*/*") { return find(merchantUID: p[0], status: p[1]) }
        if let p = request.match("GET", "payments/findAll/*") {
            return list(payments.values.filter { $0.merchantUID == p[0] }, query: query)
        }
        if let p = request.match("GET", "payments/findAll/*/*") {
            return list(payments.values.filter { $0.merchantUID == p[0] && $0.status == p[1] }, query: query)
        }
        if let p = request.match("GET", "payments/status/*") { return listByStatus(p[0], query: query) }
        if request.match("POST", "payments/prepare") != nil { return prepare(body, updating: false) }
        if request.match("PUT", "payments/prepare") != nil { return prepare(body, updating: true) }
        if let p = request.match("GET", "payments/prepare/*") {
            guard let entry = prepared[p[0]] else {
                return Self.envelope(404, code: -1, message: "사전등록된 결제정보가 존재하지 않습니다.")
            }
            return Self.success(["merchant_uid": p[0], "amount": entry.amount, "currency": entry.currency as Any])
        }
        if request.match("POST", "payments/cancel") != nil { return cancel(body) }
        if let p = request.match("DELETE", "vbanks/*") { return revokeVirtualAccount(impUID: p[0]) }
        if let p = request.match("GET", "payments/*") {
            guard let payment = payments[p[0]] else {
                return Self.envelope(404, code: -1, message: "존재하지 않는 결제정보입니다.")
            }
            return Self.success(payment)
        }
        if let p = request.match("POST", "escrows/logis/*") { return registerEscrowDelivery(impUID: p[0], body: body) }
        if let p = request.match("GET", "escrows/logis/*") {
            guard payments[p[0]] != nil else { return Self.envelope(404, code: -1, message: "존재하지 않는 결제정보입니다.") }
            guard let delivery = escrowDeliveries[p[0]] else {
                return Self.envelope(409, code: -1, message: "배송정보가 등록되지 않았습니다.")
            }
            return Self.success(delivery)
        }
        if let p = request.match("GET", "certifications/*") {
            guard let certification = certifications[p[0]] else {
                return Self.envelope(404, code: -1, message: "인증결과가 존재하지 않습니다.")
            }
            return Self.success(certification)
        }
        if let answer = billing(request, query: query, body: body) { return answer }
        if let p = request.match("DELETE", "certifications/*") {
            guard let certification = certifications.removeValue(forKey: p[0]) else {
                return Self.envelope(404, code: -1, message: "인증결과가 존재하지 않습니다.")
            }
            return Self.success(certification)
        }
        return Self.envelope(404, code: -1, message: "존재하지 않는 API입니다.")
    }

    // MARK: - Tokens

    private func isValid(_ candidate: String?) -> Bool {
        guard let candidate, let token else { return false }
        return candidate == token.value && token.expiresAt > clock()
    }

    /// Before expiry the same token comes back (extended by 5 minutes in its last minute); after it, a new one.
    private func getToken(_ body: Data) -> SandboxResponse {
        let fields = Self.fields(body)
        guard fields["imp_key"] as? String == key, fields["imp_secret"] as? String == secret else {
            return Self.envelope(401, code: -1, message: "imp_key, imp_secret 파라메터가 누락되었거나 올바르지 않습니다.")
        }
        let now = clock()
        if var current = token, current.expiresAt > now {
            if current.expiresAt - now <= 60 { current.expiresAt += 300 }
            token = current
        } else {
            if let old = token { retiredTokens.insert(old.value) }
            var random = SystemRandomNumberGenerator()
            let value = String(format: "%016llx%016llx%08x", random.next() as UInt64, random.next() as UInt64,
                               random.next() as UInt32)
            token = (value, now + tokenLifetime)
        }
        let current = token!
        return Self.success(["access_token": current.value, "now": now, "expired_at": current.expiresAt])
    }

    // MARK: - Payments

    private func find(merchantUID: String, status: String?) -> SandboxResponse {
        let matches = payments.values.filter { $0.merchantUID == merchantUID && (status == nil || $0.status == status) }
        guard let newest = matches.max(by: { ($0.startedAt, $0.impUID) < ($1.startedAt, $1.impUID) }) else {
            return Self.envelope(404, code: -1, message: "존재하지 않는 결제정보입니다.")
        }
        return Self.success(newest)
    }

    private func listByStatus(_ status: String, query: [String: String]) -> SandboxResponse {
        guard ["all", "ready", "paid", "cancelled", "failed"].contains(status) else {
            return Self.envelope(400, code: -1, message: "payment_status 가 올바르지 않습니다.")
        }
        let from = query["from"].flatMap(Int.init) ?? Int.min, to = query["to"].flatMap(Int.init) ?? Int.max
        if newestFirst == nil {
            newestFirst = payments.values.sorted(by: Self.newerFirst).map(\.impUID)
        }
        let matches = (newestFirst ?? []).compactMap { payments[$0] }
            .filter { (status == "all" || $0.status == status) && $0.startedAt >= from && $0.startedAt <= to }
        return list(matches, query: query, sorted: true)
    }

    private static func newerFirst(_ a: SandboxPayment, _ b: SandboxPayment) -> Bool {
        (a.startedAt, a.impUID) > (b.startedAt, b.impUID)
    }

    /// One page of `matches`, newest first (`sorted`: they already are).
    private func list(_ matches: [SandboxPayment], query: [String: String], sorted: Bool = false) -> SandboxResponse {
        let sorted = sorted ? matches : matches.sorted(by: Self.newerFirst)
        let limit = min(max(Int(query["limit"] ?? "") ?? 20, 1), 1000)
        let page = max(Int(query["page"] ?? "") ?? 1, 1)
        let slice = Array(sorted.dropFirst((page - 1) * limit).prefix(limit))
        let hasNext = sorted.count > page * limit
        let encoded = slice.map { try! JSONSerialization.jsonObject(with: JSONEncoder().encode($0)) }
        return Self.success(["total": sorted.count, "previous": page > 1 ? page - 1 : 0, "next": hasNext ? page + 1 : 0,
                             "list": encoded])
    }

    private func prepare(_ body: Data, updating: Bool) -> SandboxResponse {
        let fields = Self.fields(body)
        guard let merchantUID = fields["merchant_uid"] as? String, !merchantUID.isEmpty, merchantUID.count <= 40,
              let amount = fields["amount"] as? NSNumber else {
            return Self.envelope(400, code: -1, message: "merchant_uid, amount 파라메터가 올바르지 않습니다.")
        }
        if updating, prepared[merchantUID] == nil {
            return Self.envelope(404, code: -1, message: "사전등록된 결제정보가 존재하지 않습니다.")
        }
        if !updating, prepared[merchantUID] != nil {
            return Self.envelope(200, code: 1, message: "결제정보 사전등록에 실패하였습니다(이미 등록된 merchant_uid입니다).")
        }
        let currency = fields["currency"] as? String
        prepared[merchantUID] = (amount.intValue, currency)
        // Echo what was sent, with its JSON type unchanged (the Python client compares them).
        return Self.success(["merchant_uid": merchantUID, "amount": amount, "currency": currency as Any])
    }

    /// `imp_uid` wins over `merchant_uid`; no amount (or 0) cancels what is left; `checksum` must equal what is left.
    /// `POST /escrows/logis/{imp_uid}` (V1 `escrow_logis_save`): sender, receiver and logis{company, invoice,
    /// sent_at} for a paid escrow payment; once per payment (409 after that), like Iamport.
    private func registerEscrowDelivery(impUID: String, body: Data) -> SandboxResponse {
        guard let payment = payments[impUID] else { return Self.envelope(404, code: -1, message: "존재하지 않는 결제정보입니다.") }
        guard payment.escrow else { return Self.envelope(400, code: -1, message: "에스크로 결제건이 아닙니다.") }
        guard payment.status == "paid" else { return Self.envelope(400, code: -1, message: "결제완료 상태가 아닙니다.") }
        guard escrowDeliveries[impUID] == nil else { return Self.envelope(409, code: -1, message: "이미 배송정보가 등록되었습니다.") }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
              let logis = object["logis"] as? [String: Any], let company = logis["company"] as? String, !company.isEmpty,
              let invoice = logis["invoice"] as? String, !invoice.isEmpty, let sentAt = logis["sent_at"] as? Int,
              let sender = object["sender"] as? [String: Any], let receiver = object["receiver"] as? [String: Any] else {
            return Self.envelope(400, code: -1, message: "sender, receiver, logis(company, invoice, sent_at)는 필수입니다.")
        }
        // 이니시스 needs name, tel, addr and postcode of both.
        for person in [sender, receiver] {
            for field in ["name", "tel", "addr", "postcode"] where (person[field] as? String ?? "").isEmpty {
                return Self.envelope(400, code: -1, message: "\(field) 는 필수입니다.")
            }
        }
        let delivery: [String: Any] = ["company": company, "invoice": invoice, "sent_at": sentAt, "applied_at": clock(),
                                       "sender": sender, "receiver": receiver]
        escrowDeliveries[impUID] = delivery
        return Self.success(["company": company, "invoice": invoice, "sent_at": sentAt, "applied_at": clock()] as [String: Any])
    }

    private func cancel(_ body: Data) -> SandboxResponse {
        let fields = Self.fields(body)
        var payment: SandboxPayment?
        if let impUID = fields["imp_uid"] as? String, !impUID.isEmpty {
            payment = payments[impUID]
        } else if let merchantUID = fields["merchant_uid"] as? String {
            payment = payments.values.filter { $0.merchantUID == merchantUID }.max { $0.startedAt < $1.startedAt }
        }
        guard var payment else { return Self.envelope(200, code: 1, message: "취소할 결제건이 존재하지 않습니다.") }
        let remaining = payment.amount - payment.cancelAmount
        guard payment.status == "paid" || (payment.status == "cancelled" && payment.paidAt > 0 && remaining > 0) else {
            if payment.status == "cancelled" { return Self.envelope(200, code: 1, message: "이미 전액취소된 주문입니다.") }
            return Self.envelope(200, code: 1, message: "취소할 수 있는 상태의 결제건이 아닙니다.(\(payment.status))")
        }
        if payment.payMethod == "vbank",
           ["refund_account", "refund_bank", "refund_holder"].contains(where: { (fields[$0] as? String ?? "").isEmpty }) {
            return Self.envelope(200, code: 1, message: "가상계좌 결제건의 환불에는 환불계좌 정보(refund_holder, refund_bank, refund_account)가 필요합니다.")
        }
        let requested = (fields["amount"] as? NSNumber)?.intValue ?? 0
        let amount = requested == 0 ? remaining : requested
        if let checksum = fields["checksum"] as? NSNumber, checksum.intValue != remaining {
            return Self.envelope(200, code: 1, message: "요청하신 checksum(\(checksum.intValue))이 취소가능잔액(\(remaining))과 일치하지 않습니다.")
        }
        guard amount > 0, amount <= remaining else {
            return Self.envelope(200, code: 1, message: "취소요청금액(\(amount))이 취소가능잔액(\(remaining))보다 큽니다.")
        }
        let taxFree = (fields["tax_free"] as? NSNumber)?.intValue ?? 0
        guard taxFree >= 0, taxFree <= amount else {
            return Self.envelope(200, code: 1, message: "면세금액(\(taxFree))이 취소요청금액(\(amount))보다 큽니다.")
        }
        let now = clock()
        let reason = fields["reason"] as? String ?? ""
        payment.cancelAmount += amount
        payment.status = "cancelled"  // a partial cancel also reads "cancelled", as on the real API
        payment.cancelledAt = now
        payment.cancelReason = reason
        payment.cancelHistory.append(.init(pgTID: payment.pgTID, amount: amount, cancelledAt: now, reason: reason,
                                           cancellationID: "cancel-\(payment.impUID)-\(payment.cancelHistory.count + 1)"))
        payments[payment.impUID] = payment
        return Self.success(payment)
    }

    /// `DELETE /vbanks/{imp_uid}`: an issued, unpaid virtual account is revoked (no deposit can land); 400 otherwise.
    private func revokeVirtualAccount(impUID: String) -> SandboxResponse {
        guard var payment = payments[impUID] else {
            return Self.envelope(404, code: -1, message: "존재하지 않는 결제정보입니다.")
        }
        guard payment.payMethod == "vbank", payment.status == "ready", payment.vbankNum != nil else {
            return Self.envelope(400, code: -1, message: "가상계좌 발급 상태의 결제건이 아닙니다.(\(payment.status))")
        }
        payment.status = "cancelled"
        payment.cancelledAt = clock()
        payment.cancelReason = "가상계좌 발급취소"
        payments[impUID] = payment
        return Self.success(payment)
    }

    // MARK: - Control API (tests, gage serve --sandbox)

    /// A payment in any state, as a test needs it.
    public struct NewPayment: Decodable, Sendable {
        public var merchantUID: String
        public var amount: Int
        public var status: String?
        public var payMethod: String?
        public var currency: String?
        public var name: String?
        public var customData: CustomData?
        public var buyerName: String?
        public var buyerEmail: String?
        public var buyerTel: String?
        public var buyerAddr: String?
        public var buyerPostcode: String?
        public var startedAt: Int?
        /// As `IMP.request_pay` takes it: `html5_inicis` or `html5_inicis.MID`.
        public var pg: String?
        /// The virtual account's deadline as the page asked for it (`YYYYMMDDHHmm…` in Korean time, or Unix seconds).
        public var vbankDue: String?
        public var escrow: Bool?
        /// A charge of this billing key (`customer_uid_usage: payment.scheduled`), as PortOne makes on schedule.
        public var customerUID: String?

        enum CodingKeys: String, CodingKey {
            case merchantUID = "merchant_uid", amount, status, payMethod = "pay_method", currency, name, pg
            case vbankDue = "vbank_due", escrow, customerUID = "customer_uid"
            case customData = "custom_data", buyerName = "buyer_name", buyerEmail = "buyer_email"
            case buyerTel = "buyer_tel", buyerAddr = "buyer_addr", buyerPostcode = "buyer_postcode"
            case startedAt = "started_at"
        }
    }

    /// `custom_data` as the SDK stores it: any JSON, kept as a JSON string.
    public struct CustomData: Decodable, Sendable {
        public var text: String
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else {
                let value = try container.decode(AnyJSON.self)
                self.text = String(decoding: try JSONSerialization.data(withJSONObject: value.value, options: [.fragmentsAllowed, .sortedKeys]), as: UTF8.self)
            }
        }
    }

    @discardableResult
    public func createPayment(_ request: NewPayment) -> SandboxPayment {
        sequence += 1
        let now = request.startedAt ?? clock()
        let impUID = "imp_" + Self.digits((now % 1_000_000) * 1_000_000 + sequence, width: 12)
        let status = request.status ?? "paid"
        let method = request.payMethod ?? "card"
        var payment = SandboxPayment(
            impUID: impUID, merchantUID: request.merchantUID, payMethod: method, pgTID: "sandbox-\(impUID)",
            name: request.name, amount: request.amount, currency: request.currency ?? "KRW", status: status,
            customData: request.customData?.text, buyerName: request.buyerName, buyerEmail: request.buyerEmail,
            buyerTel: request.buyerTel, buyerAddr: request.buyerAddr, buyerPostcode: request.buyerPostcode,
            startedAt: now, receiptURL: "https://sandbox.invalid/receipts/\(impUID)")
        payment.escrow = request.escrow ?? false
        if let customerUID = request.customerUID {
            payment.customerUID = customerUID
            payment.customerUIDUsage = "payment.scheduled"
        }
        if let pg = request.pg, !pg.isEmpty {
            let parts = pg.split(separator: ".", maxSplits: 1)
            payment.pgProvider = String(parts[0])
            payment.pgID = parts.count > 1 ? String(parts[1]) : "INIpayTest"
        }
        switch status {
        case "paid": payment.paidAt = now
        case "failed":
            payment.failedAt = now
            payment.failReason = "사용자가 결제를 취소하셨습니다"
        case "ready" where method == "vbank":
            payment.vbankCode = "004"
            payment.vbankName = "KB국민은행"
            payment.vbankNum = "T" + Self.digits(sequence, width: 13)
            payment.vbankHolder = "(주)포트원"
            payment.vbankIssuedAt = now
            payment.vbankDate = request.vbankDue.flatMap { Self.koreanTime($0) } ?? now + 3 * 86_400
        default: break
        }
        payments[impUID] = payment
        paymentOrder.append(impUID)
        return payment
    }

    /// A deposit into an issued virtual account: `ready` becomes `paid`.
    public func deposit(impUID: String) -> SandboxPayment? {
        guard var payment = payments[impUID], payment.status == "ready", payment.payMethod == "vbank" else { return nil }
        payment.status = "paid"
        payment.paidAt = clock()
        payments[impUID] = payment
        return payment
    }

    /// `YYYYMMDDHHmm[ss]` or `YYYY-MM-DD HH:mm[:ss]` in Korean time (UTC+9), or Unix seconds, as `vbank_due` takes it.
    static func koreanTime(_ text: String) -> Int? {
        let digits = text.filter(\.isNumber)
        if digits.count == text.count, digits.count <= 10, let seconds = Int(digits) { return seconds }
        guard digits.count >= 8 else { return nil }
        let d = Array(digits)
        func number(_ range: Range<Int>) -> Int? { range.upperBound <= d.count ? Int(String(d[range])) : 0 }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(8..<10), let minute = number(10..<12), let second = number(12..<14) else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(secondsFromGMT: 9 * 3600)
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        return Calendar(identifier: .gregorian).date(from: components).map { Int($0.timeIntervalSince1970) }
    }

    /// A cancel made in the PortOne console (a partial one when `amount` is less than what is left).
    public func consoleCancel(impUID: String, amount: Int?, reason: String) -> SandboxPayment? {
        guard var payment = payments[impUID], payment.paidAt > 0,
              payment.status == "paid" || payment.status == "cancelled" else { return nil }
        let remaining = payment.amount - payment.cancelAmount
        let cancelled = min(amount ?? remaining, remaining)
        guard cancelled > 0 else { return nil }
        let now = clock()
        payment.cancelAmount += cancelled
        payment.status = "cancelled"
        payment.cancelledAt = now
        payment.cancelReason = reason
        payment.cancelHistory.append(.init(pgTID: payment.pgTID, amount: cancelled, cancelledAt: now, reason: reason,
                                           cancellationID: "cancel-\(impUID)-\(payment.cancelHistory.count + 1)"))
        payments[impUID] = payment
        return payment
    }

    /// Moves a payment's times `seconds` into the past, as if that much time had gone by since it happened.
    public func age(impUID: String, seconds: Int) -> SandboxPayment? {
        guard var payment = payments[impUID] else { return nil }
        func back(_ time: Int) -> Int { time > 0 ? time - seconds : 0 }
        payment.startedAt = back(payment.startedAt)
        payment.paidAt = back(payment.paidAt)
        payment.failedAt = back(payment.failedAt)
        payment.cancelledAt = back(payment.cancelledAt)
        payment.vbankIssuedAt = back(payment.vbankIssuedAt)
        payment.vbankDate = back(payment.vbankDate)
        payments[impUID] = payment
        return payment
    }

    public func payment(impUID: String) -> SandboxPayment? { payments[impUID] }

    /// What a tester (or a test) enters in the stand-in's identity window.
    public struct NewCertification: Decodable, Sendable {
        public var merchantUID: String?
        /// `YYYY-MM-DD`.
        public var birthday: String
        public var certified: Bool?
        public var pg: String?
        /// Seconds before now the verification was made (default 0).
        public var age: Int?

        enum CodingKeys: String, CodingKey {
            case merchantUID = "merchant_uid", birthday, certified, pg, age
        }
    }

    @discardableResult
    public func createCertification(_ request: NewCertification) -> SandboxCertification {
        sequence += 1
        let now = clock()
        let impUID = "imp_" + Self.digits((now % 1_000_000) * 1_000_000 + sequence, width: 12)
        let certification = SandboxCertification(
            impUID: impUID, merchantUID: request.merchantUID, pgTID: "sandbox-cert-\(impUID)",
            pgProvider: request.pg ?? "danal", name: "테스트인증자", gender: "female", birthday: request.birthday,
            foreigner: false, phone: "01099998888", carrier: "SKT", certified: request.certified ?? true,
            certifiedAt: now - (request.age ?? 0), uniqueKey: "CI-SANDBOX-\(impUID)-SECRET",
            uniqueInSite: "DI-SANDBOX-\(impUID)", origin: nil)
        certifications[impUID] = certification
        return certification
    }
    public func setTokenLifetime(_ seconds: Int) { tokenLifetime = seconds }
    public func allPayments() -> [SandboxPayment] { paymentOrder.compactMap { payments[$0] } }
    public func recordedCalls() -> [SandboxCall] { calls }
    public func arm(_ fault: SandboxFault) { faults.arm(fault) }

    /// Expires the current token now, as if 30 minutes had passed.
    public func expireTokens() {
        if let current = token { token = (current.value, clock() - 1) }
    }

    private func control(method: String, path: String, body: Data) -> SandboxResponse {
        let request = RouteMatcher(method: method, parts: path.split(separator: "/").dropFirst().map(String.init))
        let decoder = JSONDecoder()
        if request.match("GET", "payments") != nil { return Self.json(allPayments()) }
        if request.match("POST", "payments") != nil {
            guard let new = try? decoder.decode(NewPayment.self, from: body) else {
                return Self.json(["error": "send {merchant_uid, amount, status?, pay_method?, custom_data?, …}"], status: 400)
            }
            return Self.json(createPayment(new))
        }
        if let p = request.match("GET", "payments/*") {
            guard let payment = payments[p[0]] else { return Self.json(["error": "no such payment"], status: 404) }
            return Self.json(payment)
        }
        if let p = request.match("POST", "payments/*/deposit") {
            guard let payment = deposit(impUID: p[0]) else {
                return Self.json(["error": "not an issued virtual account"], status: 409)
            }
            return Self.json(payment)
        }
        if let p = request.match("POST", "payments/*/cancel") {
            struct Cancel: Decodable { var amount: Int?; var reason: String? }
            let cancel = (try? decoder.decode(Cancel.self, from: body)) ?? Cancel()
            guard let payment = consoleCancel(impUID: p[0], amount: cancel.amount, reason: cancel.reason ?? "콘솔에서 취소")
            else { return Self.json(["error": "nothing left to cancel"], status: 409) }
            return Self.json(payment)
        }
        if let p = request.match("POST", "payments/*/age") {
            struct Age: Decodable { var seconds: Int }
            guard let age = try? decoder.decode(Age.self, from: body),
                  let payment = self.age(impUID: p[0], seconds: age.seconds) else {
                return Self.json(["error": "send {seconds} for a known payment"], status: 400)
            }
            return Self.json(payment)
        }
        if let p = request.match("POST", "payments/*/fail") {
            guard var payment = payments[p[0]], payment.status == "ready" else {
                return Self.json(["error": "only a ready payment can fail"], status: 409)
            }
            payment.status = "failed"
            payment.failedAt = clock()
            payment.failReason = "결제 실패"
            payments[p[0]] = payment
            return Self.json(payment)
        }
        if request.match("POST", "faults") != nil {
            guard let fault = try? decoder.decode(SandboxFault.self, from: body) else {
                return Self.json(["error": "send {kind, count?, seconds?, path_prefix?}"], status: 400)
            }
            arm(fault)
            return Self.json(["armed": fault.kind])
        }
        if request.match("POST", "certifications") != nil {
            guard let new = try? decoder.decode(NewCertification.self, from: body) else {
                return Self.json(["error": "send {birthday: YYYY-MM-DD, merchant_uid?, certified?, pg?, age?}"], status: 400)
            }
            return Self.json(createCertification(new))
        }
        if let answer = billingControl(request, body: body) { return answer }
        if request.match("GET", "calls") != nil { return Self.json(calls) }
        if request.match("GET", "faults") != nil { return Self.json(faults.pending) }
        if request.match("DELETE", "faults") != nil {
            faults.removeAll()
            return Self.json(["cleared": true])
        }
        if request.match("DELETE", "calls") != nil {
            calls.removeAll()
            return Self.json(["cleared": true])
        }
        if request.match("POST", "reset") != nil {
            // `{"payments": true}` forgets the payments too: independent histories (the model test) then leave
            // nothing for a later test's reconcile to page through.
            if ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["payments"] as? Bool == true {
                payments.removeAll()
                prepared.removeAll()
            }
            calls.removeAll()
            faults.removeAll()
            // Scheduled charges and armed declines would run into the next test's time travel.
            schedules.removeAll()
            scheduleOrder.removeAll()
            declines.removeAll()
            return Self.json(["reset": true])
        }
        if request.match("POST", "tokens/expire") != nil {
            expireTokens()
            return Self.json(["expired": true])
        }
        if let p = request.match("GET", "prepared/*") {
            guard let entry = prepared[p[0]] else { return Self.json(["error": "not prepared"], status: 404) }
            return Self.json(["merchant_uid": p[0], "amount": String(entry.amount)])
        }
        return Self.json(["error": "unknown control call"], status: 404)
    }

    // MARK: - Wire format

    /// `value` in decimal, zero-padded to `width` (String(format:) with %d truncates 64-bit integers on Linux).
    static func digits(_ value: Int, width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// A JSON or form body as a dictionary; form values that are numbers become numbers.
    static func fields(_ body: Data) -> [String: Any] {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] { return object }
        var result: [String: Any] = [:]
        let text = String(decoding: body, as: UTF8.self)
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value = parts.count > 1
                ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            if let number = Int(value) { result[name] = NSNumber(value: number) }
            else if let number = Double(value) { result[name] = NSNumber(value: number) }
            else { result[name] = value }
        }
        return result
    }

    static func envelope(_ status: Int, code: Int, message: String) -> SandboxResponse {
        let body = try! JSONSerialization.data(withJSONObject: ["code": code, "message": message, "response": NSNull()],
                                               options: [.sortedKeys])
        return SandboxResponse(status: status, body: body)
    }

    static func success(_ response: Any) -> SandboxResponse {
        let body = try! JSONSerialization.data(withJSONObject: ["code": 0, "message": NSNull(), "response": response],
                                               options: [.sortedKeys])
        return SandboxResponse(status: 200, body: body)
    }

    static func success<Value: Encodable>(_ response: Value) -> SandboxResponse {
        success(try! JSONSerialization.jsonObject(with: JSONEncoder().encode(response)))
    }

    static func json<Value: Encodable>(_ value: Value, status: Int = 200) -> SandboxResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SandboxResponse(status: status, body: (try? encoder.encode(value)) ?? Data())
    }
}

/// Any JSON value, decoded into Foundation types (for custom_data sent as an object).
struct AnyJSON: Decodable {
    let value: Any
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { value = NSNull() }
        else if let bool = try? container.decode(Bool.self) { value = bool }
        else if let int = try? container.decode(Int.self) { value = int }
        else if let double = try? container.decode(Double.self) { value = double }
        else if let string = try? container.decode(String.self) { value = string }
        else if let array = try? container.decode([AnyJSON].self) { value = array.map(\.value) }
        else { value = try container.decode([String: AnyJSON].self).mapValues(\.value) }
    }
}

/// Matches `GET payments/*/deposit`-style templates; `*` captures one path segment.
public struct RouteMatcher {
    let method: String
    let parts: [String]

    public init(method: String, parts: [String]) {
        self.method = method
        self.parts = parts
    }

    public func match(_ method: String, _ template: String) -> [String]? {
        let pattern = template.split(separator: "/")
        guard method == self.method, pattern.count == parts.count else { return nil }
        var captured: [String] = []
        for (expected, actual) in zip(pattern, parts) {
            if expected == "*" { captured.append(actual) } else if expected != actual { return nil }
        }
        return captured
    }
}

import Foundation

/// A billing key as Iamport keeps it (`CustomerAnnotation`): the alias (`customer_uid`), the PG that issued it and
/// the card, masked.
public struct SandboxCustomer: Codable, Sendable, Equatable {
    public var customerUID: String
    public var pgProvider: String
    public var pgID: String
    public var sandbox = true
    public var customerID: String?
    public var cardName = "현대카드"
    public var cardCode: String? = "367"
    public var cardNumber = "4330-12**-****-3456"
    public var cardType: Int? = 0
    public var customerName: String?
    public var customerTel: String?
    public var customerEmail: String?
    public var customerAddr: String?
    public var customerPostcode: String?
    public var inserted: Int
    public var updated: Int

    enum CodingKeys: String, CodingKey {
        case customerUID = "customer_uid", pgProvider = "pg_provider", pgID = "pg_id", sandbox, customerID = "customer_id"
        case cardName = "card_name", cardCode = "card_code", cardNumber = "card_number", cardType = "card_type"
        case customerName = "customer_name", customerTel = "customer_tel", customerEmail = "customer_email"
        case customerAddr = "customer_addr", customerPostcode = "customer_postcode", inserted, updated
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(customerUID, forKey: .customerUID); try c.encode(pgProvider, forKey: .pgProvider)
        try c.encode(pgID, forKey: .pgID); try c.encode(sandbox, forKey: .sandbox)
        try c.encode(customerID, forKey: .customerID); try c.encode(cardName, forKey: .cardName)
        try c.encode(cardCode, forKey: .cardCode); try c.encode(cardNumber, forKey: .cardNumber)
        try c.encode(cardType, forKey: .cardType); try c.encode(customerName, forKey: .customerName)
        try c.encode(customerTel, forKey: .customerTel); try c.encode(customerEmail, forKey: .customerEmail)
        try c.encode(customerAddr, forKey: .customerAddr); try c.encode(customerPostcode, forKey: .customerPostcode)
        try c.encode(inserted, forKey: .inserted); try c.encode(updated, forKey: .updated)
    }
}

/// A scheduled charge (`ScheduleResultAnnotation`): `imp_uid` and `payment_status` stay null until it runs.
public struct SandboxSchedule: Codable, Sendable, Equatable {
    public var customerUID: String
    public var merchantUID: String
    public var impUID: String?
    public var pgProvider: String
    public var pgID: String
    public var customerID: String?
    public var scheduleAt: Int
    public var executedAt = 0
    public var revokedAt = 0
    public var amount: Int
    public var currency = "KRW"
    public var name: String?
    public var buyerName: String?
    public var buyerEmail: String?
    public var buyerTel: String?
    public var buyerAddr: String?
    public var buyerPostcode: String?
    public var customData: String?
    public var noticeURL: String?
    public var scheduleStatus = "scheduled"
    public var paymentStatus: String?
    public var failReason: String?

    enum CodingKeys: String, CodingKey {
        case customerUID = "customer_uid", merchantUID = "merchant_uid", impUID = "imp_uid", pgProvider = "pg_provider"
        case pgID = "pg_id", customerID = "customer_id", scheduleAt = "schedule_at", executedAt = "executed_at"
        case revokedAt = "revoked_at", amount, currency, name, buyerName = "buyer_name", buyerEmail = "buyer_email"
        case buyerTel = "buyer_tel", buyerAddr = "buyer_addr", buyerPostcode = "buyer_postcode"
        case customData = "custom_data", noticeURL = "notice_url", scheduleStatus = "schedule_status"
        case paymentStatus = "payment_status", failReason = "fail_reason"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(customerUID, forKey: .customerUID); try c.encode(merchantUID, forKey: .merchantUID)
        try c.encode(impUID, forKey: .impUID); try c.encode(pgProvider, forKey: .pgProvider)
        try c.encode(pgID, forKey: .pgID); try c.encode(customerID, forKey: .customerID)
        try c.encode(scheduleAt, forKey: .scheduleAt); try c.encode(executedAt, forKey: .executedAt)
        try c.encode(revokedAt, forKey: .revokedAt); try c.encode(amount, forKey: .amount)
        try c.encode(currency, forKey: .currency); try c.encode(name, forKey: .name)
        try c.encode(buyerName, forKey: .buyerName); try c.encode(buyerEmail, forKey: .buyerEmail)
        try c.encode(buyerTel, forKey: .buyerTel); try c.encode(buyerAddr, forKey: .buyerAddr)
        try c.encode(buyerPostcode, forKey: .buyerPostcode); try c.encode(customData, forKey: .customData)
        try c.encode(scheduleStatus, forKey: .scheduleStatus); try c.encode(paymentStatus, forKey: .paymentStatus)
        try c.encode(failReason, forKey: .failReason)
    }
}

/// A decline armed for the next charges with a billing key (`again` or a scheduled run). Iamport answers a declined
/// card in two shapes, both seen in the wild: `status` — code 0 with a payment whose status is `failed`; `code` —
/// code −1 with the card company's message and no payment.
public struct SandboxDecline: Codable, Sendable, Equatable {
    public var shape: String
    /// Only this billing key's charges (default: any).
    public var customerUID: String?
    public var count: Int?
    public var message: String?

    enum CodingKeys: String, CodingKey { case shape, customerUID = "customer_uid", count, message }
}

/// What a run of due schedules did: each executed charge, for the caller to deliver its webhook.
public struct SandboxScheduleRun: Codable, Sendable {
    public var impUID: String
    public var merchantUID: String
    public var status: String
    public var noticeURL: String?

    enum CodingKeys: String, CodingKey { case impUID = "imp_uid", merchantUID = "merchant_uid", status, noticeURL = "notice_url" }
}

extension SandboxAPI {
    static let unknownCustomer = "요청하신 customer_uid로 등록된 정보를 찾을 수 없습니다."

    // MARK: - REST: /subscribe/…

    /// The billing-key endpoints of shared/billing-identity-and-shop-law.md §1; nil for any other path.
    func billing(_ request: RouteMatcher, query: [String: String], body: Data) -> SandboxResponse? {
        if let p = request.match("GET", "subscribe/customers/*") {
            guard let customer = customers[p[0]] else { return Self.envelope(404, code: -1, message: Self.unknownCustomer) }
            return Self.success(customer)
        }
        if let p = request.match("POST", "subscribe/customers/*") {
            let fields = Self.fields(body)
            guard let card = fields["card_number"] as? String, !card.isEmpty, let expiry = fields["expiry"] as? String,
                  !expiry.isEmpty else {
                return Self.envelope(200, code: -1, message: "카드정보 인증 및 빌키 발급에 실패하였습니다. [F112]유효하지않은 카드번호를 입력하셨습니다.")
            }
            return Self.success(issueBillingKey(customerUID: p[0], pg: fields["pg"] as? String, fields: fields))
        }
        if let p = request.match("DELETE", "subscribe/customers/*") {
            guard let customer = customers.removeValue(forKey: p[0]) else {
                return Self.envelope(404, code: -1, message: Self.unknownCustomer)
            }
            return Self.success(customer)
        }
        if request.match("POST", "subscribe/payments/again") != nil { return chargeAgain(Self.fields(body)) }
        if request.match("POST", "subscribe/payments/schedule") != nil { return schedule(body) }
        if request.match("POST", "subscribe/payments/unschedule") != nil { return unschedule(Self.fields(body)) }
        if let p = request.match("GET", "subscribe/payments/schedule/*") {
            guard let schedule = schedules[p[0]] else {
                return Self.envelope(404, code: -1, message: "예약결제 정보가 존재하지 않습니다.")
            }
            return Self.success(schedule)
        }
        if let p = request.match("GET", "subscribe/payments/schedule/customers/*")
            ?? request.match("GET", "subscribe/customers/*/schedules") {
            return listSchedules(query: query, customerUID: p[0])
        }
        if request.match("GET", "subscribe/payments/schedule") != nil { return listSchedules(query: query, customerUID: nil) }
        return nil
    }

    @discardableResult
    public func issueBillingKey(customerUID: String, pg: String?, fields: [String: Any] = [:]) -> SandboxCustomer {
        let now = clock()
        let parts = (pg ?? "html5_inicis").split(separator: ".", maxSplits: 1).map(String.init)
        var customer = SandboxCustomer(customerUID: customerUID, pgProvider: parts.first ?? "html5_inicis",
                                       pgID: parts.count > 1 ? parts[1] : "INIBillTst", inserted: now, updated: now)
        // Re-using a customer_uid replaces its card (the old key is not revoked), as Iamport does.
        if let old = customers[customerUID] { customer.inserted = old.inserted }
        customer.customerID = fields["customer_id"] as? String
        customer.customerName = fields["customer_name"] as? String
        customer.customerTel = fields["customer_tel"] as? String
        customer.customerEmail = fields["customer_email"] as? String
        customer.customerAddr = fields["customer_addr"] as? String
        customer.customerPostcode = fields["customer_postcode"] as? String
        customers[customerUID] = customer
        return customer
    }

    /// The decline armed for a charge with this key, used up by the call.
    func takeDecline(for customerUID: String) -> SandboxDecline? {
        guard let index = declines.firstIndex(where: { $0.customerUID == nil || $0.customerUID == customerUID }) else { return nil }
        var decline = declines[index]
        let remaining = (decline.count ?? 1) - 1
        if remaining <= 0 { declines.remove(at: index) } else { decline.count = remaining; declines[index] = decline }
        return decline
    }

    /// Whether a charge under this merchant_uid was already paid (Iamport refuses to charge an order number twice).
    func alreadyPaid(_ merchantUID: String) -> Bool {
        payments.values.contains { $0.merchantUID == merchantUID && ($0.status == "paid" || $0.paidAt > 0) }
    }

    /// `POST /subscribe/payments/again`: charges the key now. A decline is no HTTP error: code 0 with a failed
    /// payment, or code −1 with the card company's message.
    private func chargeAgain(_ fields: [String: Any]) -> SandboxResponse {
        guard let customerUID = fields["customer_uid"] as? String, let merchantUID = fields["merchant_uid"] as? String,
              !merchantUID.isEmpty, merchantUID.count <= 40, let amount = (fields["amount"] as? NSNumber)?.intValue else {
            return Self.envelope(400, code: -1, message: "customer_uid, merchant_uid, amount 파라메터가 올바르지 않습니다.")
        }
        guard let customer = customers[customerUID] else { return Self.envelope(200, code: -1, message: Self.unknownCustomer) }
        guard !alreadyPaid(merchantUID) else {
            return Self.envelope(200, code: 1, message: "이미 결제완료 처리된 merchant_uid입니다.")
        }
        let charge = Charge(customer: customer, merchantUID: merchantUID, amount: amount, name: fields["name"] as? String,
                            customData: fields["custom_data"].map(Self.customDataText), usage: "payment",
                            buyer: Self.buyer(fields))
        let (payment, decline) = run(charge)
        guard let payment else { return Self.envelope(200, code: -1, message: decline ?? "결제승인에 실패하였습니다.") }
        return Self.success(payment)
    }

    struct Charge {
        var customer: SandboxCustomer
        var merchantUID: String
        var amount: Int
        var name: String?
        var customData: String?
        var usage: String
        var buyer: [String: String]
    }

    /// Makes the payment of a charge with a billing key, or declines it as armed. nil payment: declined in the
    /// code −1 shape (nothing recorded), with the message.
    private func run(_ charge: Charge) -> (SandboxPayment?, String?) {
        let decline = takeDecline(for: charge.customer.customerUID)
        let message = decline?.message ?? "[2116]개인 월 한도금액 초과"
        if decline?.shape == "code" { return (nil, "결제승인에 실패하였습니다. " + message) }
        var new = NewPayment(merchantUID: charge.merchantUID, amount: charge.amount)
        new.status = decline == nil ? "paid" : "failed"
        new.name = charge.name
        new.pg = charge.customer.pgProvider + "." + charge.customer.pgID
        new.buyerName = charge.buyer["buyer_name"] ?? charge.customer.customerName
        new.buyerEmail = charge.buyer["buyer_email"] ?? charge.customer.customerEmail
        new.buyerTel = charge.buyer["buyer_tel"] ?? charge.customer.customerTel
        new.buyerAddr = charge.buyer["buyer_addr"] ?? charge.customer.customerAddr
        new.buyerPostcode = charge.buyer["buyer_postcode"] ?? charge.customer.customerPostcode
        var payment = createPayment(new)
        payment.channel = "api"
        payment.customData = charge.customData
        payment.customerUID = charge.customer.customerUID
        payment.customerUIDUsage = charge.usage
        if decline != nil { payment.failReason = message }
        payments[payment.impUID] = payment
        return (payment, decline == nil ? nil : message)
    }

    static func buyer(_ fields: [String: Any]) -> [String: String] {
        var buyer: [String: String] = [:]
        for key in ["buyer_name", "buyer_email", "buyer_tel", "buyer_addr", "buyer_postcode"] {
            if let value = fields[key] as? String, !value.isEmpty { buyer[key] = value }
        }
        return buyer
    }

    /// custom_data is a string on the wire; an object is kept as its JSON text.
    static func customDataText(_ value: Any) -> String {
        if let text = value as? String { return text }
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    /// `POST /subscribe/payments/schedule`: every schedule needs merchant_uid, schedule_at and amount; an order
    /// number already scheduled (and not revoked) or already paid is refused, so one delivery is never charged twice.
    private func schedule(_ body: Data) -> SandboxResponse {
        let fields = Self.fields(body)
        guard let customerUID = fields["customer_uid"] as? String, !customerUID.isEmpty,
              let list = fields["schedules"] as? [[String: Any]], !list.isEmpty else {
            return Self.envelope(400, code: -1, message: "customer_uid, schedules 파라메터가 올바르지 않습니다.")
        }
        guard let customer = customers[customerUID] else {
            return Self.envelope(200, code: 1, message: "등록된 고객정보가 없습니다.")
        }
        var accepted: [SandboxSchedule] = []
        for entry in list {
            guard let merchantUID = entry["merchant_uid"] as? String, !merchantUID.isEmpty, merchantUID.count <= 40,
                  let scheduleAt = (entry["schedule_at"] as? NSNumber)?.intValue,
                  let amount = (entry["amount"] as? NSNumber)?.intValue else {
                return Self.envelope(400, code: -1, message: "merchant_uid, schedule_at, amount 는 필수입니다.")
            }
            if let existing = schedules[merchantUID], existing.scheduleStatus != "revoked" || alreadyPaid(merchantUID) {
                return Self.envelope(200, code: 1, message: "이미 예약된 merchant_uid입니다.(\(merchantUID))")
            }
            if alreadyPaid(merchantUID) || accepted.contains(where: { $0.merchantUID == merchantUID }) {
                return Self.envelope(200, code: 1, message: "이미 결제완료 처리된 merchant_uid입니다.(\(merchantUID))")
            }
            guard scheduleAt > clock() else {
                return Self.envelope(200, code: 1, message: "schedule_at은 현재시각 이후여야 합니다.")
            }
            var schedule = SandboxSchedule(customerUID: customerUID, merchantUID: merchantUID, pgProvider: customer.pgProvider,
                                           pgID: customer.pgID, scheduleAt: scheduleAt, amount: amount)
            schedule.customerID = customer.customerID
            schedule.name = entry["name"] as? String
            schedule.currency = entry["currency"] as? String ?? "KRW"
            let buyer = Self.buyer(entry)
            schedule.buyerName = buyer["buyer_name"] ?? customer.customerName
            schedule.buyerEmail = buyer["buyer_email"] ?? customer.customerEmail
            schedule.buyerTel = buyer["buyer_tel"] ?? customer.customerTel
            schedule.buyerAddr = buyer["buyer_addr"] ?? customer.customerAddr
            schedule.buyerPostcode = buyer["buyer_postcode"] ?? customer.customerPostcode
            schedule.customData = entry["custom_data"].map(Self.customDataText)
            schedule.noticeURL = entry["notice_url"] as? String
            accepted.append(schedule)
        }
        for schedule in accepted {
            if schedules[schedule.merchantUID] == nil { scheduleOrder.append(schedule.merchantUID) }
            schedules[schedule.merchantUID] = schedule
        }
        return Self.success(accepted.map { try! JSONSerialization.jsonObject(with: JSONEncoder().encode($0)) })
    }

    /// `POST /subscribe/payments/unschedule`: the listed merchant_uids (an array), or every schedule of the key.
    private func unschedule(_ fields: [String: Any]) -> SandboxResponse {
        let customerUID = fields["customer_uid"] as? String
        var listed: [String]?
        if let array = fields["merchant_uid"] as? [String] { listed = array }
        else if let one = fields["merchant_uid"] as? String { listed = [one] }
        else if let first = fields["merchant_uid[]"] as? String { listed = [first] }
        guard customerUID != nil || listed != nil else {
            return Self.envelope(400, code: -1, message: "customer_uid 또는 merchant_uid 가 필요합니다.")
        }
        var revoked: [SandboxSchedule] = []
        for merchantUID in scheduleOrder {
            guard var schedule = schedules[merchantUID], schedule.scheduleStatus == "scheduled" else { continue }
            if let customerUID, schedule.customerUID != customerUID { continue }
            if let listed, !listed.contains(merchantUID) { continue }
            schedule.scheduleStatus = "revoked"
            schedule.revokedAt = clock()
            schedules[merchantUID] = schedule
            revoked.append(schedule)
        }
        guard !revoked.isEmpty else { return Self.envelope(200, code: 1, message: "취소할 예약결제 기록이 존재하지 않습니다.") }
        return Self.success(revoked.map { try! JSONSerialization.jsonObject(with: JSONEncoder().encode($0)) })
    }

    /// Schedules of one key, or of the account, newest `schedule_at` first, paged like Iamport:
    /// `{total, previous, next, list}`. Both spellings of the window are accepted: `from`/`to`/`schedule-status`
    /// (documented) and `schedule_from`/`schedule_to`/`schedule_status` (the Java client).
    private func listSchedules(query: [String: String], customerUID: String?) -> SandboxResponse {
        let from = Int(query["from"] ?? query["schedule_from"] ?? "")
        let to = Int(query["to"] ?? query["schedule_to"] ?? "")
        guard let from, let to else {
            return Self.envelope(400, code: -1, message: "from, to 는 필수입니다.")
        }
        let status = query["schedule-status"] ?? query["schedule_status"]
        let matches = scheduleOrder.compactMap { schedules[$0] }.filter {
            (customerUID == nil || $0.customerUID == customerUID) && $0.scheduleAt >= from && $0.scheduleAt < to
                && (status == nil || $0.scheduleStatus == status)
        }.sorted { ($0.scheduleAt, $0.merchantUID) > ($1.scheduleAt, $1.merchantUID) }
        let limit = min(max(Int(query["limit"] ?? "") ?? 20, 1), 1000)
        let page = max(Int(query["page"] ?? "") ?? 1, 1)
        let slice = Array(matches.dropFirst((page - 1) * limit).prefix(limit))
        return Self.success(["total": matches.count, "previous": page > 1 ? page - 1 : 0,
                             "next": matches.count > page * limit ? page + 1 : 0,
                             "list": slice.map { try! JSONSerialization.jsonObject(with: JSONEncoder().encode($0)) }])
    }

    // MARK: - Time travel

    /// Runs every schedule due by `until` (default: every one still scheduled), as PortOne would when its time
    /// comes, oldest first. A revoked schedule, or one whose key was deleted, does not run.
    public func runSchedules(until: Int? = nil) -> [SandboxScheduleRun] {
        var runs: [SandboxScheduleRun] = []
        let due = scheduleOrder.compactMap { schedules[$0] }
            .filter { $0.scheduleStatus == "scheduled" && $0.scheduleAt <= (until ?? Int.max) }
            .sorted { ($0.scheduleAt, $0.merchantUID) < ($1.scheduleAt, $1.merchantUID) }
        for var schedule in due {
            schedule.executedAt = clock()
            schedule.scheduleStatus = "executed"
            guard let customer = customers[schedule.customerUID] else {
                schedule.paymentStatus = "failed"
                schedule.failReason = Self.unknownCustomer
                schedules[schedule.merchantUID] = schedule
                continue
            }
            var buyer: [String: String] = [:]
            buyer["buyer_name"] = schedule.buyerName
            buyer["buyer_email"] = schedule.buyerEmail
            buyer["buyer_tel"] = schedule.buyerTel
            buyer["buyer_addr"] = schedule.buyerAddr
            buyer["buyer_postcode"] = schedule.buyerPostcode
            let charge = Charge(customer: customer, merchantUID: schedule.merchantUID, amount: schedule.amount,
                                name: schedule.name, customData: schedule.customData, usage: "payment.scheduled",
                                buyer: buyer)
            // A scheduled run always leaves a payment behind, failed or paid, and a webhook says which.
            var (payment, message) = run(charge)
            if payment == nil {
                var failed = NewPayment(merchantUID: schedule.merchantUID, amount: schedule.amount)
                failed.status = "failed"
                failed.pg = customer.pgProvider + "." + customer.pgID
                payment = createPayment(failed)
                payment?.customerUID = customer.customerUID
                payment?.customerUIDUsage = "payment.scheduled"
                payment?.customData = schedule.customData
                payment?.failReason = message
                if let payment { payments[payment.impUID] = payment }
            }
            guard let payment else { continue }
            schedule.impUID = payment.impUID
            schedule.paymentStatus = payment.status
            schedule.failReason = payment.failReason
            schedules[schedule.merchantUID] = schedule
            runs.append(SandboxScheduleRun(impUID: payment.impUID, merchantUID: payment.merchantUID, status: payment.status,
                                           noticeURL: schedule.noticeURL))
        }
        return runs
    }

    public func allSchedules() -> [SandboxSchedule] { scheduleOrder.compactMap { schedules[$0] } }

    // MARK: - Control API

    func billingControl(_ request: RouteMatcher, body: Data) -> SandboxResponse? {
        let decoder = JSONDecoder()
        if request.match("POST", "customers") != nil {
            struct Issue: Decodable {
                var customer_uid: String
                var pg: String?
                var customer_name: String?
                var customer_tel: String?
                var customer_email: String?
            }
            guard let issue = try? decoder.decode(Issue.self, from: body), !issue.customer_uid.isEmpty else {
                return Self.json(["error": "send {customer_uid, pg?}"], status: 400)
            }
            var fields: [String: Any] = [:]
            fields["customer_name"] = issue.customer_name
            fields["customer_tel"] = issue.customer_tel
            fields["customer_email"] = issue.customer_email
            return Self.json(issueBillingKey(customerUID: issue.customer_uid, pg: issue.pg, fields: fields))
        }
        if request.match("GET", "customers") != nil { return Self.json(customers.values.sorted { $0.customerUID < $1.customerUID }) }
        if request.match("GET", "schedules") != nil { return Self.json(allSchedules()) }
        if request.match("POST", "schedules/run") != nil {
            struct Run: Decodable { var until: Int? }
            let until = (try? decoder.decode(Run.self, from: body))?.until
            return Self.json(runSchedules(until: until))
        }
        if request.match("POST", "declines") != nil {
            guard let decline = try? decoder.decode(SandboxDecline.self, from: body), ["status", "code"].contains(decline.shape)
            else { return Self.json(["error": "send {shape: status|code, customer_uid?, count?, message?}"], status: 400) }
            declines.append(decline)
            return Self.json(["armed": decline.shape])
        }
        return nil
    }
}

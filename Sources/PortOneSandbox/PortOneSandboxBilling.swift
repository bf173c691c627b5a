import Foundation
import IamportSandbox

/// A billing key as the V2 stand-in keeps it.
struct V2BillingKey: Sendable {
    var key: String
    var storeID: String
    var channelKey: String
    var pgProvider: String
    var customerID: String?
    var issuedAt: Int
    var deletedAt: Int?
}

/// A payment schedule (`POST /payments/{paymentId}/schedule`).
struct V2Schedule: Sendable {
    var id: String
    var paymentID: String
    var billingKey: String
    var storeID: String
    var orderName: String
    var amount: Int
    var taxFree = 0
    var currency: String
    var customData: String
    var customer: [String: String]
    var timeToPay: Int
    var createdAt: Int
    /// `SCHEDULED`, `SUCCEEDED`, `FAILED`, `REVOKED`.
    var status = "SCHEDULED"
    var startedAt: Int?
    var completedAt: Int?
    var revokedAt: Int?
}

/// An identity verification (`PortOne.requestIdentityVerification`), with a person's details the verify function
/// must never keep or show.
struct V2IdentityVerification: Sendable {
    var id: String
    var status: String
    var birthDate: String
    var channelKey: String
    var requestedAt: Int
    var verifiedAt: Int
}

/// The V2 billing-key, schedule and identity-verification API (the V2 OpenAPI's `BillingKeyInfo`,
/// `PayWithBillingKeyResponse`, `PaymentSchedule`, `RevokePaymentSchedulesResponse`, `IdentityVerification`), and
/// their control endpoints:
/// - `POST /__sandbox/billing-keys` `{billing_key?, channel_key?, store_id?, customer_id?}` issues a key, as the
///   buyer's `PortOne.requestIssueBillingKey` window does; `GET /__sandbox/billing-keys` lists them.
/// - `POST /__sandbox/declines` `{billing_key?, count?, message?}`: the next charges of the key (any key) decline.
/// - `GET /__sandbox/schedules` lists every schedule; `POST /__sandbox/schedules/run` `{until?, prefix?}` runs the
///   scheduled ones due by `until` (default: all of them, as if time had passed), of one shop's orders with `prefix`, and answers, for each, the payment it made
///   and the signed `Transaction.Paid` / `Transaction.Failed` webhook PortOne would send.
/// - `POST /__sandbox/identity-verifications` `{id, birth_date?, status?, age?, channel_key?}` makes a verification
///   (`VERIFIED` by default, `age` seconds ago).
extension PortOneSandboxAPI {
    static let billingChannelKey = "channel-key-sandbox-billing"
    static let identityChannelKey = "channel-key-sandbox-identity"
    /// What a verification says about its person; the tests look for these everywhere the function writes.
    static let personalName = "테스트인증자", personalPhone = "01099998888", personalCI = "CI-SANDBOX-V2",
               personalDI = "DI-SANDBOX-V2"

    // MARK: - API

    func billingRoute(_ request: RouteMatcher, query: [String: String], body: Data) -> SandboxResponse? {
        if let p = request.match("GET", "billing-keys/*") {
            guard let key = billingKeys[p[0]], storeAllowed(key.storeID) else { return Self.billingKeyNotFound() }
            return Self.json(render(key))
        }
        if let p = request.match("DELETE", "billing-keys/*") { return deleteKey(p[0]) }
        if let p = request.match("POST", "payments/*/billing-key") { return payWithBillingKey(p[0], body: body) }
        if let p = request.match("POST", "payments/*/schedule") { return createSchedule(p[0], body: body) }
        if let p = request.match("GET", "payment-schedules/*") {
            guard let schedule = schedules[p[0]] else { return Self.error(404, "PAYMENT_SCHEDULE_NOT_FOUND", "결제 예약건이 존재하지 않습니다.") }
            return Self.json(render(schedule))
        }
        if request.match("GET", "payment-schedules") != nil { return listSchedules(Self.requestBody(query, body)) }
        if request.match("DELETE", "payment-schedules") != nil { return revokeSchedules(Self.requestBody(query, body)) }
        if let p = request.match("GET", "identity-verifications/*") {
            guard let found = identityVerifications[p[0]] else {
                return Self.error(404, "IDENTITY_VERIFICATION_NOT_FOUND", "요청된 본인인증 건이 존재하지 않습니다.")
            }
            return Self.json(render(found))
        }
        return nil
    }

    private func storeAllowed(_ store: String) -> Bool { store == storeID || otherStores.contains(store) }

    private func deleteKey(_ id: String) -> SandboxResponse {
        guard var key = billingKeys[id], storeAllowed(key.storeID) else { return Self.billingKeyNotFound() }
        if key.deletedAt != nil { return Self.error(409, "BILLING_KEY_ALREADY_DELETED", "빌링키가 이미 삭제되었습니다.") }
        if schedules.values.contains(where: { $0.billingKey == id && $0.status == "SCHEDULED" }) {
            return Self.error(409, "PAYMENT_SCHEDULE_ALREADY_EXISTS", "결제 예약건이 이미 존재합니다.")
        }
        key.deletedAt = clock()
        billingKeys[id] = key
        return Self.json(["deletedAt": Self.rfc3339(key.deletedAt!)])
    }

    /// `BillingKeyPaymentInput`, as far as the stand-in needs it.
    struct ChargeInput: Decodable {
        struct Amount: Decodable { var total: Int, taxFree: Int? }
        struct Customer: Decodable {
            struct Name: Decodable { var full: String? }
            struct Address: Decodable { var addressLine1: String?, addressLine2: String? }
            var name: Name?
            var email: String?
            var phoneNumber: String?
            var address: Address?
            var zipcode: String?
        }
        var storeId: String?
        var billingKey: String
        var orderName: String
        var amount: Amount
        var currency: String
        var customData: String?
        var customer: Customer?

        var customerFields: [String: String] {
            var fields: [String: String] = [:]
            fields["name"] = customer?.name?.full
            fields["email"] = customer?.email
            fields["phone"] = customer?.phoneNumber
            fields["address"] = customer?.address?.addressLine1
            fields["zipcode"] = customer?.zipcode
            return fields
        }
    }

    /// Checks what every charge and schedule needs: a well-formed input and a live key of an allowed store.
    private func chargeable(_ body: Data) -> Result<(ChargeInput, V2BillingKey), SandboxFailure> {
        guard let input = try? JSONDecoder().decode(ChargeInput.self, from: body), input.amount.total > 0 else {
            return .failure(.init(Self.error(400, "INVALID_REQUEST", "billingKey, orderName, amount.total, currency는 필수입니다.")))
        }
        guard let key = billingKeys[input.billingKey], storeAllowed(key.storeID) else {
            return .failure(.init(Self.billingKeyNotFound()))
        }
        if key.deletedAt != nil {
            return .failure(.init(Self.error(409, "BILLING_KEY_ALREADY_DELETED", "빌링키가 이미 삭제되었습니다.")))
        }
        return .success((input, key))
    }

    private func payWithBillingKey(_ paymentID: String, body: Data) -> SandboxResponse {
        let input: ChargeInput, key: V2BillingKey
        switch chargeable(body) {
        case let .failure(failure): return failure.response
        case let .success(found): (input, key) = found
        }
        if let existing = payments[paymentID], existing.status != "READY" && existing.status != "FAILED" {
            return Self.error(409, "ALREADY_PAID", "이미 결제된 결제 건입니다.")
        }
        guard (input.amount.taxFree ?? 0) >= 0, (input.amount.taxFree ?? 0) <= input.amount.total else {
            return Self.error(409, "SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT", "면세 금액 등 하위 항목들의 합이 전체 결제 금액을 초과합니다.")
        }
        let payment = charge(paymentID, key: key, amount: input.amount.total, taxFree: input.amount.taxFree ?? 0,
                             currency: input.currency, orderName: input.orderName, customData: input.customData,
                             customer: input.customerFields)
        guard payment.status == "PAID" else {
            return Self.json(["type": "PG_PROVIDER", "message": "PG사에서 오류를 전달했습니다.", "pgCode": "F113",
                              "pgMessage": lastDeclineMessage], status: 502)
        }
        return Self.json(["payment": ["pgTxId": "pg-" + payment.transactionID, "paidAt": Self.rfc3339(payment.paidAt ?? clock())]])
    }

    /// Makes the payment of a billing-key charge: paid, or failed when a decline is armed for the key.
    private func charge(_ paymentID: String, key: V2BillingKey, amount: Int, taxFree: Int = 0, currency: String,
                        orderName: String, customData: String?, customer: [String: String]) -> V2Payment {
        sequence += 1
        let now = clock()
        let declined = takeDecline(key.key)
        var payment = V2Payment(
            id: paymentID, transactionID: String(format: "0193%04x-bill-4key-8000-%012d", sequence % 0xFFFF, sequence),
            status: declined ? "FAILED" : "PAID", total: amount, method: "CARD", channelKey: key.channelKey,
            pgProvider: key.pgProvider, storeID: key.storeID, orderName: orderName, customData: customData,
            currency: currency, customer: customer, requestedAt: now, paidAt: declined ? nil : now, vbankDue: nil)
        payment.billingKey = key.key
        payment.taxFree = taxFree
        if payments[paymentID] == nil { order.append(paymentID) }
        payments[paymentID] = payment
        return payment
    }

    private func takeDecline(_ key: String) -> Bool {
        guard let index = declines.firstIndex(where: { $0.billingKey == nil || $0.billingKey == key }) else { return false }
        lastDeclineMessage = declines[index].message
        declines.remove(at: index)
        return true
    }

    private func createSchedule(_ paymentID: String, body: Data) -> SandboxResponse {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
              let paymentObject = object["payment"] as? [String: Any],
              let paymentData = try? JSONSerialization.data(withJSONObject: paymentObject),
              let at = (object["timeToPay"] as? String).flatMap(Self.seconds) else {
            return Self.error(400, "INVALID_REQUEST", "payment, timeToPay는 필수입니다.")
        }
        let input: ChargeInput, key: V2BillingKey
        switch chargeable(paymentData) {
        case let .failure(failure): return failure.response
        case let .success(found): (input, key) = found
        }
        if let paid = payments[paymentID], paid.status != "READY" && paid.status != "FAILED" {
            return Self.error(409, "ALREADY_PAID_OR_WAITING", "결제가 이미 완료되었거나 대기중입니다.")
        }
        if schedules.values.contains(where: { $0.paymentID == paymentID && $0.status != "REVOKED" }) {
            return Self.error(409, "PAYMENT_SCHEDULE_ALREADY_EXISTS", "결제 예약건이 이미 존재합니다.")
        }
        sequence += 1
        let id = String(format: "schedule-0193%04x-8000-4000-%012d", sequence % 0xFFFF, sequence)
        schedules[id] = V2Schedule(id: id, paymentID: paymentID, billingKey: key.key, storeID: key.storeID,
                                   orderName: input.orderName, amount: input.amount.total,
                                   taxFree: input.amount.taxFree ?? 0, currency: input.currency,
                                   customData: input.customData ?? "", customer: input.customerFields, timeToPay: at,
                                   createdAt: clock())
        scheduleOrder.append(id)
        return Self.json(["schedule": ["id": id]])
    }

    private func listSchedules(_ body: Data) -> SandboxResponse {
        struct Request: Decodable {
            struct Page: Decodable { var number: Int?, size: Int? }
            struct Filter: Decodable {
                var storeId: String?, billingKey: String?, from: String?, until: String?, status: [String]?
            }
            var page: Page?
            var filter: Filter?
        }
        let request = try? JSONDecoder().decode(Request.self, from: body)
        let filter = request?.filter
        let from = filter?.from.flatMap(Self.seconds) ?? Int.min
        let until = filter?.until.flatMap(Self.seconds) ?? Int.max
        let matching = scheduleOrder.compactMap { schedules[$0] }.filter { schedule in
            storeAllowed(schedule.storeID) && (filter?.storeId.map { $0 == schedule.storeID } ?? true)
                && (filter?.billingKey.map { $0 == schedule.billingKey } ?? true)
                && (filter?.status.map { $0.contains(schedule.status) } ?? true)
                && schedule.timeToPay >= from && schedule.timeToPay <= until
        }.reversed()
        let number = max(0, request?.page?.number ?? 0)
        let size = min(max(1, request?.page?.size ?? 10), 1000)
        let items = Array(matching.dropFirst(number * size).prefix(size)).map(render)
        return Self.json(["items": items, "page": ["number": number, "size": items.count, "totalCount": matching.count]])
    }

    private func revokeSchedules(_ body: Data) -> SandboxResponse {
        struct Body: Decodable { var storeId: String?, billingKey: String?, scheduleIds: [String]? }
        guard let request = try? JSONDecoder().decode(Body.self, from: body),
              request.billingKey != nil || !(request.scheduleIds ?? []).isEmpty else {
            return Self.error(400, "INVALID_REQUEST", "billingKey 또는 scheduleIds 중 하나는 필수입니다.")
        }
        var targets: [String] = []
        if let key = request.billingKey {
            guard let found = billingKeys[key], storeAllowed(found.storeID) else { return Self.billingKeyNotFound() }
            targets = scheduleOrder.filter { schedules[$0]?.billingKey == key && schedules[$0]?.status == "SCHEDULED" }
        }
        for id in request.scheduleIds ?? [] {
            guard let schedule = schedules[id], storeAllowed(schedule.storeID) else {
                return Self.error(404, "PAYMENT_SCHEDULE_NOT_FOUND", "결제 예약건이 존재하지 않습니다.")
            }
            if schedule.status == "REVOKED" { return Self.error(409, "PAYMENT_SCHEDULE_ALREADY_REVOKED", "이미 취소된 결제 예약건입니다.") }
            if schedule.status != "SCHEDULED" {
                return Self.error(409, "PAYMENT_SCHEDULE_ALREADY_PROCESSED", "결제 예약건이 이미 처리되었습니다.")
            }
            if !targets.contains(id) { targets.append(id) }
        }
        let now = clock()
        for id in targets {
            schedules[id]?.status = "REVOKED"
            schedules[id]?.revokedAt = now
        }
        return Self.json(["revokedScheduleIds": targets, "revokedAt": Self.rfc3339(now)])
    }

    // MARK: - Control

    func billingControl(_ request: RouteMatcher, query: [String: String], body: Data) -> SandboxResponse? {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        if request.match("POST", "__sandbox/billing-keys") != nil {
            return Self.json(render(issueBillingKey(object)))
        }
        if request.match("GET", "__sandbox/billing-keys") != nil {
            return Self.json(billingKeyOrder.compactMap { billingKeys[$0] }.map(render))
        }
        if request.match("POST", "__sandbox/declines") != nil {
            let count = max(1, object["count"] as? Int ?? 1)
            for _ in 0..<count {
                declines.append((object["billing_key"] as? String, object["message"] as? String ?? "[F113] 한도초과"))
            }
            return Self.json(["armed": count])
        }
        if request.match("GET", "__sandbox/schedules") != nil {
            return Self.json(scheduleOrder.compactMap { schedules[$0] }.map(render))
        }
        if request.match("POST", "__sandbox/schedules/run") != nil {
            return Self.json(runSchedules(until: object["until"] as? Int ?? Int.max, prefix: object["prefix"] as? String ?? ""))
        }
        if request.match("POST", "__sandbox/identity-verifications") != nil {
            guard let id = object["id"] as? String, !id.isEmpty else {
                return Self.error(400, "INVALID_REQUEST", "an identity verification needs an id")
            }
            let now = clock()
            let at = now - (object["age"] as? Int ?? 0)
            let verification = V2IdentityVerification(
                id: id, status: object["status"] as? String ?? "VERIFIED", birthDate: object["birth_date"] as? String ?? "1990-05-05",
                channelKey: object["channel_key"] as? String ?? Self.identityChannelKey, requestedAt: at - 30, verifiedAt: at)
            identityVerifications[id] = verification
            return Self.json(render(verification))
        }
        return nil
    }

    /// A key as the buyer's `requestIssueBillingKey` window issues it.
    func issueBillingKey(_ object: [String: Any]) -> V2BillingKey {
        sequence += 1
        let id = object["billing_key"] as? String
            ?? "billing-key-" + UUID().uuidString.lowercased()
        let key = V2BillingKey(key: id, storeID: object["store_id"] as? String ?? storeID,
                               channelKey: object["channel_key"] as? String ?? Self.billingChannelKey,
                               pgProvider: object["pg_provider"] as? String ?? "INICIS_V2",
                               customerID: object["customer_id"] as? String, issuedAt: clock())
        if billingKeys[id] == nil { billingKeyOrder.append(id) }
        billingKeys[id] = key
        return key
    }

    /// Runs the due schedules: each makes its payment and hands out the signed webhook PortOne would send.
    private func runSchedules(until: Int, prefix: String) -> [[String: Any]] {
        var ran: [[String: Any]] = []
        for id in scheduleOrder {
            guard var schedule = schedules[id], schedule.status == "SCHEDULED", schedule.timeToPay <= until,
                  schedule.paymentID.hasPrefix(prefix) else { continue }
            let now = clock()
            schedule.startedAt = now
            schedule.completedAt = now
            var payment: V2Payment
            if let key = billingKeys[schedule.billingKey], key.deletedAt == nil {
                payment = charge(schedule.paymentID, key: key, amount: schedule.amount, taxFree: schedule.taxFree,
                                 currency: schedule.currency, orderName: schedule.orderName,
                                 customData: schedule.customData, customer: schedule.customer)
            } else {
                sequence += 1
                payment = V2Payment(id: schedule.paymentID, transactionID: "0193-gone-\(sequence)", status: "FAILED",
                                    total: schedule.amount, method: "CARD", channelKey: Self.billingChannelKey,
                                    pgProvider: "INICIS_V2", storeID: schedule.storeID, orderName: schedule.orderName,
                                    customData: schedule.customData, currency: schedule.currency, customer: [:],
                                    requestedAt: now, paidAt: nil, vbankDue: nil)
                payment.billingKey = schedule.billingKey
                if payments[payment.id] == nil { order.append(payment.id) }
                payments[payment.id] = payment
            }
            schedule.status = payment.status == "PAID" ? "SUCCEEDED" : "FAILED"
            schedules[id] = schedule
            let type = payment.status == "PAID" ? "Transaction.Paid" : "Transaction.Failed"
            let delivery = (try? JSONSerialization.jsonObject(with: signedDelivery(type: type, paymentID: payment.id, query: [:]).body))
                ?? [String: Any]()
            ran.append(["payment_id": payment.id, "schedule_id": id, "status": payment.status, "amount": payment.total,
                        "webhook": delivery])
        }
        return ran
    }

    // MARK: - Rendering

    func render(_ key: V2BillingKey) -> [String: Any] {
        var object: [String: Any] = [
            "status": key.deletedAt == nil ? "ISSUED" : "DELETED", "billingKey": key.key,
            "merchantId": "merchant-00000000-0000-4000-8000-000000000000", "storeId": key.storeID,
            "methods": [["type": "BillingKeyPaymentMethodCard",
                         "card": ["publisher": "SHINHAN", "issuer": "SHINHAN", "brand": "LOCAL", "type": "CREDIT",
                                  "ownerType": "PERSONAL", "bin": "45184212", "name": "신한카드",
                                  "number": "45184212****123*"]]],
            "channels": [["type": "TEST", "id": "channel-id-" + key.channelKey.suffix(8), "key": key.channelKey,
                          "name": "sandbox billing", "pgProvider": key.pgProvider, "pgMerchantId": "sandbox-billing-mid"]],
            "customer": key.customerID.map { ["id": $0] } ?? [String: Any](),
            "requestedAt": Self.rfc3339(key.issuedAt), "issuedAt": Self.rfc3339(key.issuedAt),
            "pgBillingKeyIssueResponses": [Any](),
        ]
        if let deleted = key.deletedAt { object["deletedAt"] = Self.rfc3339(deleted) }
        return object
    }

    func render(_ schedule: V2Schedule) -> [String: Any] {
        var customer: [String: Any] = [:]
        if let name = schedule.customer["name"] { customer["name"] = name }
        if let email = schedule.customer["email"] { customer["email"] = email }
        var object: [String: Any] = [
            "status": schedule.status, "id": schedule.id, "merchantId": "merchant-00000000-0000-4000-8000-000000000000",
            "storeId": schedule.storeID, "paymentId": schedule.paymentID, "billingKey": schedule.billingKey,
            "orderName": schedule.orderName, "isCulturalExpense": false, "isEscrow": false, "customer": customer,
            "customData": schedule.customData, "totalAmount": schedule.amount, "currency": schedule.currency,
            "createdAt": Self.rfc3339(schedule.createdAt), "timeToPay": Self.rfc3339(schedule.timeToPay),
        ]
        if let at = schedule.startedAt { object["startedAt"] = Self.rfc3339(at) }
        if let at = schedule.completedAt { object["completedAt"] = Self.rfc3339(at) }
        if let at = schedule.revokedAt { object["revokedAt"] = Self.rfc3339(at) }
        return object
    }

    func render(_ verification: V2IdentityVerification) -> [String: Any] {
        var object: [String: Any] = [
            "status": verification.status, "id": verification.id,
            "channel": ["type": "TEST", "id": "channel-id-identity", "key": verification.channelKey,
                        "name": "sandbox identity", "pgProvider": "DANAL", "pgMerchantId": "sandbox-identity-mid"],
            "requestedAt": Self.rfc3339(verification.requestedAt), "updatedAt": Self.rfc3339(verification.verifiedAt),
            "statusChangedAt": Self.rfc3339(verification.verifiedAt), "version": "V2",
        ]
        switch verification.status {
        case "VERIFIED":
            object["verifiedCustomer"] = ["id": "customer-sandbox", "name": Self.personalName, "operator": "SKT",
                                          "phoneNumber": Self.personalPhone, "birthDate": verification.birthDate,
                                          "gender": "FEMALE", "isForeigner": false, "ci": Self.personalCI, "di": Self.personalDI]
            object["verifiedAt"] = Self.rfc3339(verification.verifiedAt)
            object["pgTxId"] = "pg-identity-" + verification.id
            object["pgRawResponse"] = "{}"
        case "FAILED":
            object["requestedCustomer"] = [String: Any]()
            object["failure"] = ["reason": "본인인증에 실패했습니다.", "pgCode": "F001", "pgMessage": "인증 실패"]
        default:
            object["requestedCustomer"] = [String: Any]()
        }
        return object
    }

    /// The `requestBody` query parameter (or the body): JSON, whose spaces a form-style encoder (httpx, as the
    /// official SDK uses) sends as `+`.
    static func requestBody(_ query: [String: String], _ body: Data) -> Data {
        guard let text = query["requestBody"] else { return body }
        if (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil { return Data(text.utf8) }
        return Data(text.replacingOccurrences(of: "+", with: " ").utf8)
    }

    static func billingKeyNotFound() -> SandboxResponse { error(404, "BILLING_KEY_NOT_FOUND", "빌링키가 존재하지 않습니다.") }
}

/// An error answer carried through a `Result`.
struct SandboxFailure: Error {
    let response: SandboxResponse
    init(_ response: SandboxResponse) { self.response = response }
}


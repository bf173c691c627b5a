import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a call to the payment provider did not give an answer to act on.
public enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 404: the provider knows no such payment.
    case notFound
    /// The credentials were refused (V1: 401 on getToken; V2: 401 or 403).
    case unauthorized
    /// The provider refused the request (V1: `code != 0` in the envelope; V2: a 4xx `{type, message}`).
    /// `code` is V1's number, or 0 for V2; `message` as the provider wrote it, V2's `type` first.
    case refused(code: Int, message: String)
    /// No usable answer: transport failure, timeout, 5xx, or a body that is not the provider's JSON.
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound: return "the provider has no such payment"
        case .unauthorized: return "the provider refused the API credentials"
        case let .refused(code, message): return "the provider refused the request (code \(code)): \(message)"
        case let .unavailable(detail): return "the provider's API failed: \(detail)"
        }
    }
}

/// The Iamport (PortOne V1) REST API calls the verify function makes.
/// A coding key spelled at run time.
struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

public final class IamportClient: PaymentProvider {
    let baseURL: String
    let key: String
    let secret: String
    let http: CurlHTTPClient
    let tokens: TokenCache
    private var token: String?

    public init(baseURL: String, key: String, secret: String, http: CurlHTTPClient, tokens: TokenCache) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = key
        self.secret = secret
        self.http = http
        self.tokens = tokens
    }

    /// `GET /payments/{imp_uid}`. `impUID` must already be validated (it goes into the path).
    public func payment(impUID: String) throws(ProviderError) -> ProviderPayment {
        try authorized(method: "GET", path: "/payments/\(impUID)", body: nil)
    }

    /// `POST /payments/cancel`: refunds `amount` (nil: everything that is left), refused by Iamport if `checksum`
    /// (what we believe is refundable before this cancel) differs from its own figure.
    public func cancel(impUID: String, _ request: CancelRequest) throws(ProviderError) -> ProviderPayment {
        struct Body: Encodable {
            var imp_uid: String
            var amount: Int?
            var tax_free: Int?
            var checksum: Int
            var reason: String
            var refund_holder: String?
            var refund_bank: String?
            var refund_account: String?
        }
        let account = request.refundAccount
        // Iamport takes the bank by its 금융결제원 code; a bank known only by V2's name cannot be sent.
        var bankCode: String?
        if let account {
            let code = Bank.named(account.bank)?.code ?? account.bank
            guard Int(code) != nil else {
                throw .refused(code: 0, message: "\(account.bank): Iamport takes the refund bank by its 금융결제원 code (004, 088, …)")
            }
            bankCode = code
        }
        return try authorized(method: "POST", path: "/payments/cancel",
                              body: Body(imp_uid: impUID, amount: request.amount,
                                         tax_free: request.taxFree > 0 ? request.taxFree : nil,
                                         checksum: request.checksum, reason: request.reason,
                                         refund_holder: account?.holder,
                                         refund_bank: bankCode,
                                         refund_account: account?.number))
    }

    /// `GET /certifications/{imp_uid}`: an identity verification's result. `impUID` must already be validated.
    public func certification(impUID: String) throws(ProviderError) -> IamportCertification {
        try authorized(method: "GET", path: "/certifications/\(impUID)", body: nil)
    }

    /// `DELETE /vbanks/{imp_uid}`: revokes an issued virtual account that has had no deposit.
    public func revokeVirtualAccount(impUID: String) throws(ProviderError) -> ProviderPayment {
        try authorized(method: "DELETE", path: "/vbanks/\(impUID)", body: nil)
    }

    /// One page of `GET /payments/status/{status}`: payments started between `from` and `to` (Unix seconds).
    public struct PaymentPage: Decodable, Sendable {
        public var total: Int
        public var next: Int
        public var list: [ProviderPayment]
    }

    public func payments(status: String, from: Int, to: Int, page: Int, limit: Int = 100) throws(ProviderError) -> PaymentPage {
        try authorized(method: "GET", path: "/payments/status/\(status)?page=\(page)&limit=\(limit)&from=\(from)&to=\(to)",
                       body: nil)
    }

    public struct Prepared: Decodable, Sendable {
        public var merchantUID: String
        public var amount: Int
        enum CodingKeys: String, CodingKey { case merchantUID = "merchant_uid", amount }
    }

    /// `POST /payments/prepare`: Iamport will refuse to open a payment window for another amount.
    public func registerAmount(merchantUID: String, amount: Int, currency: String) throws(ProviderError) -> Prepared {
        struct Body: Encodable {
            var merchant_uid: String
            var amount: Int
            var currency: String
        }
        return try authorized(method: "POST", path: "/payments/prepare",
                              body: Body(merchant_uid: merchantUID, amount: amount, currency: currency))
    }

    // MARK: - Billing keys (subscriptions)

    /// `GET /subscribe/customers/{customer_uid}`: the billing key, if Iamport has one under this alias.
    public func customer(customerUID: String) throws(ProviderError) -> IamportCustomer {
        try authorized(method: "GET", path: "/subscribe/customers/\(customerUID)", body: nil)
    }

    /// `DELETE /subscribe/customers/{customer_uid}`: deletes the billing key (it cannot be used again).
    public func deleteCustomer(customerUID: String) throws(ProviderError) {
        let _: IamportCustomer = try authorized(method: "DELETE", path: "/subscribe/customers/\(customerUID)", body: nil)
    }

    /// `POST /subscribe/payments/again`: charges the key now. A card decline comes back either as a payment whose
    /// status is `failed` or as `.refused(code: -1, …)`.
    public func chargeAgain(customerUID: String, charge: BillingCharge) throws(ProviderError) -> ProviderPayment {
        struct Body: Encodable {
            var customer_uid: String
            var charge: BillingCharge
            func encode(to encoder: any Encoder) throws {
                try charge.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(customer_uid, forKey: Key(stringValue: "customer_uid")!)
            }
        }
        return try authorized(method: "POST", path: "/subscribe/payments/again",
                              body: Body(customer_uid: customerUID, charge: charge))
    }

    /// `POST /subscribe/payments/schedule`: one charge of the key at `charge.scheduleAt`.
    public func schedule(customerUID: String, charge: BillingCharge) throws(ProviderError) -> [IamportSchedule] {
        struct Body: Encodable {
            var customer_uid: String
            var schedules: [BillingCharge]
        }
        return try authorized(method: "POST", path: "/subscribe/payments/schedule",
                              body: Body(customer_uid: customerUID, schedules: [charge]))
    }

    /// `POST /subscribe/payments/unschedule`: revokes every charge still scheduled for the key.
    public func unscheduleAll(customerUID: String) throws(ProviderError) -> [IamportSchedule] {
        struct Body: Encodable { var customer_uid: String }
        return try authorized(method: "POST", path: "/subscribe/payments/unschedule", body: Body(customer_uid: customerUID))
    }

    /// `GET /subscribe/payments/schedule/{merchant_uid}`.
    public func scheduled(merchantUID: String) throws(ProviderError) -> IamportSchedule {
        try authorized(method: "GET", path: "/subscribe/payments/schedule/\(merchantUID)", body: nil)
    }

    /// `GET /payments/find/{merchant_uid}`: the newest payment under an order number.
    public func payment(merchantUID: String) throws(ProviderError) -> ProviderPayment {
        try authorized(method: "GET", path: "/payments/find/\(merchantUID)", body: nil)
    }

    // MARK: - PaymentProvider

    public var kind: ProviderKind { .iamport }

    public func payment(id: String) throws(ProviderError) -> ProviderPayment { try payment(impUID: id) }

    @discardableResult
    public func cancel(id: String, _ request: CancelRequest) throws(ProviderError) -> String? {
        let payment: ProviderPayment = try cancel(impUID: id, request)
        return payment.cancellations.last?.id
    }

    public func prepare(merchantUID: String, amount: Int, currency: String) throws(ProviderError) {
        _ = try registerAmount(merchantUID: merchantUID, amount: amount, currency: currency)
    }

    public func revokeVirtualAccount(id: String) throws(ProviderError) {
        _ = try revokeVirtualAccount(impUID: id)
    }

    /// Iamport lists by status, a page of 100 at a time; a `ready` payment matters only as an issued virtual account.
    public func renewTimeBudget() { http.renewBudget() }

    public func recentPayments(from: Int, until: Int) throws(ProviderError) -> [ProviderPayment] {
        var found: [ProviderPayment] = []
        for status in ["paid", "ready", "cancelled"] {
            var page = 1
            while true {
                let listing = try payments(status: status, from: from, to: until, page: page)
                found += listing.list.filter { status != "ready" || $0.isIssuedVirtualAccount }
                guard listing.next > page else { break }
                page = listing.next
            }
        }
        return found
    }

    // MARK: - Calls

    /// `POST /escrows/logis/{imp_uid}`: registers an escrow payment's delivery (carrier code, waybill number,
    /// when it left) with the PG through Iamport, which the buyer's purchase confirmation waits for.
    public func registerEscrowDelivery(impUID: String, delivery: EscrowDelivery) throws(ProviderError) -> EscrowLogis {
        try authorized(method: "POST", path: "/escrows/logis/\(impUID)", body: delivery)
    }

    private func authorized<Response: Decodable>(
        method: String, path: String, body: (any Encodable)?) throws(ProviderError) -> Response {
        var bytes: [UInt8]?
        if let body {
            guard let data = try? JSONEncoder().encode(body) else { throw .unavailable("cannot encode the request") }
            bytes = Array(data)
        }
        var retried = false
        while true {
            let token = try currentToken()
            let response = try send(method: method, path: path, body: bytes,
                                    headers: ["Authorization: Bearer \(token)"])
            if response.status == 401 && !retried {
                // The cached token expired early or was revoked: get a fresh one, once.
                tokens.discard(token)
                self.token = nil
                retried = true
                continue
            }
            return try decode(response)
        }
    }

    private func currentToken() throws(ProviderError) -> String {
        if let token { return token }
        if let cached = tokens.read() {
            token = cached
            return cached
        }
        struct Credentials: Encodable {
            var imp_key: String
            var imp_secret: String
        }
        guard let body = try? JSONEncoder().encode(Credentials(imp_key: key, imp_secret: secret)) else {
            throw .unavailable("cannot encode the credentials")
        }
        let response = try send(method: "POST", path: "/users/getToken", body: Array(body), headers: [])
        if response.status == 401 { throw .unauthorized }
        let grant: TokenGrant = try decode(response)
        guard !grant.accessToken.isEmpty, grant.expiredAt > grant.now else { throw .unavailable("getToken gave no usable token") }
        tokens.write(grant.accessToken, lifetime: grant.expiredAt - grant.now)
        token = grant.accessToken
        return grant.accessToken
    }

    private func send(method: String, path: String, body: [UInt8]?, headers: [String]) throws(ProviderError) -> HTTPResponse {
        var allHeaders = headers + ["Accept: application/json", "User-Agent: gage-verify"]
        if body != nil { allHeaders.append("Content-Type: application/json") }
        do {
            return try http.send(method: method, url: baseURL + path, headers: allHeaders, body: body)
        } catch {
            throw .unavailable(error.timedOut ? "timed out" : error.message)
        }
    }

    private func decode<Response: Decodable>(_ response: HTTPResponse) throws(ProviderError) -> Response {
        if response.status == 404 { throw .notFound }
        if response.status == 401 { throw .unauthorized }
        guard response.status == 200 else {
            // Still no decision (a 4xx here is no answer about the payment), but the provider's own words are kept
            // for whoever reads the error: "HTTP 400: postcode 는 필수입니다." says what to fix.
            let said = (try? JSONDecoder().decode(Envelope<JSONValue>.self, from: Data(response.body)))?.message
            throw .unavailable("HTTP \(response.status)" + (said.map { ": " + $0 } ?? ""))
        }
        guard let envelope = try? JSONDecoder().decode(Envelope<Response>.self, from: Data(response.body)) else {
            throw .unavailable("the answer is not Iamport's JSON envelope")
        }
        guard envelope.code == 0 else {
            throw .refused(code: envelope.code, message: envelope.message ?? "")
        }
        guard let value = envelope.response else { throw .unavailable("the envelope has no response") }
        return value
    }
}

// MARK: - BillingProvider, IdentityProvider

extension IamportClient: BillingProvider, IdentityProvider {
    /// A `customer_uid` Iamport answers with `code != 0` for is one it has no key under.
    public func billingKey(_ key: String) throws(ProviderError) -> BillingKeyRecord {
        let customer: IamportCustomer
        do { customer = try self.customer(customerUID: key) } catch let .refused(code, _) where code != 0 { throw .notFound }
        return BillingKeyRecord(key: customer.customerUID, issued: true, pgProvider: customer.pgProvider,
                                pgID: customer.pgID, methods: ["card"])
    }

    /// A decline comes back as `code != 0` with the card company's message, or as a payment whose status is `failed`.
    public func charge(key: String, _ charge: BillingCharge) throws(ProviderError) -> BillingChargeOutcome {
        do {
            return .made(try chargeAgain(customerUID: key, charge: charge))
        } catch let .refused(_, message) {
            return .declined(message: message)
        }
    }

    public func schedule(key: String, _ charge: BillingCharge) throws(ProviderError) {
        _ = try schedule(customerUID: key, charge: charge)
    }

    public func scheduledCharge(merchantUID: String, key: String) throws(ProviderError) -> ScheduledCharge? {
        let found: IamportSchedule
        do { found = try scheduled(merchantUID: merchantUID) } catch .notFound { return nil }
        guard found.customerUID == key else { return nil }
        switch found.scheduleStatus {
        case "revoked": return ScheduledCharge(merchantUID: merchantUID, state: .revoked)
        case "executed":
            guard let impUID = found.impUID else { return ScheduledCharge(merchantUID: merchantUID, state: .waiting) }
            return ScheduledCharge(merchantUID: merchantUID, state: .ran(paymentID: impUID))
        default: return ScheduledCharge(merchantUID: merchantUID, state: .waiting)
        }
    }

    /// Code 1: nothing left to revoke.
    public func revokeSchedules(key: String) throws(ProviderError) {
        do { _ = try unscheduleAll(customerUID: key) } catch .refused(code: 1, _) {}
    }

    public func deleteBillingKey(_ key: String) throws(ProviderError) {
        do { try deleteCustomer(customerUID: key) } catch .notFound {}
    }

    public func identityVerification(id: String) throws(ProviderError) -> IdentityVerification {
        try certification(impUID: id).verification
    }
}

import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The PortOne V2 REST API calls the verify function makes: `Authorization: PortOne <API secret>` on every call
/// (no token exchange), bodies as they are (no envelope), errors as `{type, message}`.
public final class PortOneClient: PaymentProvider {
    let baseURL: String
    let secret: String
    let storeID: String?
    let http: CurlHTTPClient

    public init(baseURL: String, secret: String, storeID: String?, http: CurlHTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.secret = secret
        self.storeID = storeID
        self.http = http
    }

    public var kind: ProviderKind { .portone }

    /// `GET /payments/{paymentId}`.
    public func payment(id: String) throws(ProviderError) -> ProviderPayment {
        let payment: PortOnePayment = try call("GET", "/payments/\(http.escape(id))" + storeQuery, body: nil)
        return payment.record
    }

    /// `POST /payments/{paymentId}/cancel`: `amount` (nil: all that is left) with `currentCancellableAmount` as
    /// checksum; answers the cancellation's id.
    @discardableResult
    public func cancel(id: String, _ request: CancelRequest) throws(ProviderError) -> String? {
        struct Account: Encodable { var bank: String, number: String, holderName: String }
        struct Body: Encodable {
            var storeId: String?
            var amount: Int?
            var taxFreeAmount: Int?
            var reason: String
            var currentCancellableAmount: Int
            var requester = "ADMIN"
            var refundAccount: Account?
        }
        struct Answer: Decodable {
            struct Cancellation: Decodable { var id: String? }
            var cancellation: Cancellation?
        }
        let account = request.refundAccount.map { account in
            Account(bank: Bank.named(account.bank)?.portone ?? account.bank, number: account.number,
                    holderName: account.holder)
        }
        let answer: Answer = try call("POST", "/payments/\(http.escape(id))/cancel",
                                      body: Body(storeId: storeID, amount: request.amount,
                                                 taxFreeAmount: request.taxFree > 0 ? request.taxFree : nil,
                                                 reason: request.reason, currentCancellableAmount: request.checksum,
                                                 refundAccount: account))
        return answer.cancellation?.id
    }

    /// `POST /payments/{paymentId}/pre-register`: PortOne refuses to open the window for another amount.
    public func prepare(merchantUID: String, amount: Int, currency: String) throws(ProviderError) {
        struct Body: Encodable {
            var storeId: String?
            var totalAmount: Int
            var currency: String
        }
        let _: Ignored = try call("POST", "/payments/\(http.escape(merchantUID))/pre-register",
                                  body: Body(storeId: storeID, totalAmount: amount, currency: currency))
    }

    /// `POST /payments/{paymentId}/virtual-account/close`.
    public func revokeVirtualAccount(id: String) throws(ProviderError) {
        struct Body: Encodable { var storeId: String? }
        let _: Ignored = try call("POST", "/payments/\(http.escape(id))/virtual-account/close",
                                  body: Body(storeId: storeID))
    }

    /// `GET /payments` with the filter in the `requestBody` query parameter (V2 takes it there or as a body),
    /// 100 a page, newest first.
    public func renewTimeBudget() { http.renewBudget() }

    public func recentPayments(from: Int, until: Int) throws(ProviderError) -> [ProviderPayment] {
        struct Filter: Encodable {
            var storeId: String?
            var from: String
            var until: String
            var status = ["PAID", "VIRTUAL_ACCOUNT_ISSUED", "PARTIAL_CANCELLED", "CANCELLED"]
        }
        struct Page: Encodable { var number: Int, size: Int }
        struct Request: Encodable { var page: Page, filter: Filter }
        struct Listing: Decodable {
            struct Info: Decodable { var number: Int, size: Int, totalCount: Int }
            var items: [PortOnePayment]
            var page: Info
        }
        let range = Filter(storeId: storeID, from: Self.rfc3339(from), until: Self.rfc3339(until))
        var found: [ProviderPayment] = []
        var number = 0
        while true {
            guard let json = try? JSONEncoder().encode(Request(page: Page(number: number, size: 100), filter: range)) else {
                throw .unavailable("cannot encode the request")
            }
            let query = http.escape(String(decoding: json, as: UTF8.self))
            let listing: Listing = try call("GET", "/payments?requestBody=" + query, body: nil)
            found += listing.items.map(\.record)
            number += 1
            guard !listing.items.isEmpty, number * listing.page.size < listing.page.totalCount else { return found }
        }
    }

    // MARK: - Calls

    private struct Ignored: Decodable {}

    private var storeQuery: String { storeID.map { "?storeId=" + http.escape($0) } ?? "" }

    private func call<Response: Decodable>(_ method: String, _ path: String,
                                           body: (any Encodable)?) throws(ProviderError) -> Response {
        try decode(try send(method, path, body: body))
    }

    private func send(_ method: String, _ path: String, body: (any Encodable)?) throws(ProviderError) -> HTTPResponse {
        var bytes: [UInt8]?
        var headers = ["Authorization: PortOne \(secret)", "Accept: application/json", "User-Agent: gage-verify"]
        if let body {
            guard let data = try? JSONEncoder().encode(body) else { throw .unavailable("cannot encode the request") }
            bytes = Array(data)
            headers.append("Content-Type: application/json")
        }
        do {
            return try http.send(method: method, url: baseURL + path, headers: headers, body: bytes)
        } catch {
            throw .unavailable(error.timedOut ? "timed out" : error.message)
        }
    }

    private func decode<Response: Decodable>(_ response: HTTPResponse) throws(ProviderError) -> Response {
        switch response.status {
        case 200:
            guard let value = try? JSONDecoder().decode(Response.self, from: Data(response.body)) else {
                throw .unavailable("the answer is not PortOne's JSON")
            }
            return value
        case 404:
            throw .notFound
        case 401, 403:
            throw .unauthorized
        case 400..<500:
            let error = errorBody(response)
            throw .refused(code: 0, message: [error?.type, error?.message].compactMap { $0 }.joined(separator: ": "))
        case 502:
            // PortOne's PgProviderError: the PG answered, and refused. Anything else at 502 is a gateway failing.
            if let error = try? JSONDecoder().decode(PortOneErrorBody.self, from: Data(response.body)),
               error.type == "PG_PROVIDER" {
                throw .refused(code: 0, message: [error.type, error.message].compactMap { $0 }.joined(separator: ": "))
            }
            throw .unavailable("HTTP 502")
        default:
            throw .unavailable("HTTP \(response.status)")
        }
    }

    private func errorBody(_ response: HTTPResponse) -> PortOneErrorBody? {
        try? JSONDecoder().decode(PortOneErrorBody.self, from: Data(response.body))
    }

    static func rfc3339(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
    }
}

// MARK: - BillingProvider, IdentityProvider

extension PortOneClient: BillingProvider, IdentityProvider {
    /// `GET /billing-keys/{billingKey}`.
    public func billingKey(_ key: String) throws(ProviderError) -> BillingKeyRecord {
        let info: PortOneBillingKey = try call("GET", "/billing-keys/\(http.escape(key))" + storeQuery, body: nil)
        let channel = info.channels?.first
        return BillingKeyRecord(key: info.billingKey, issued: info.status == "ISSUED", pgProvider: channel?.pgProvider,
                                pgID: channel?.pgMerchantId, storeID: info.storeId, channelKey: channel?.key,
                                methods: (info.methods ?? []).compactMap { PortOneBillingKey.methodNames[$0.type] })
    }

    /// `POST /payments/{paymentId}/billing-key`, then the payment itself. A PG's refusal (`PG_PROVIDER`, 502) is a
    /// decline with the card company's message.
    public func charge(key: String, _ charge: BillingCharge) throws(ProviderError) -> BillingChargeOutcome {
        let response = try send("POST", "/payments/\(http.escape(charge.merchantUID))/billing-key",
                                body: paymentInput(key: key, charge))
        if response.status != 200, let error = errorBody(response), error.type == "PG_PROVIDER" {
            return .declined(message: error.pgMessage ?? error.message)
        }
        let _: Ignored = try decode(response)
        return .made(try payment(id: charge.merchantUID))
    }

    /// `POST /payments/{paymentId}/schedule` with `timeToPay`.
    public func schedule(key: String, _ charge: BillingCharge) throws(ProviderError) {
        struct Body: Encodable {
            var payment: PaymentInput
            var timeToPay: String
        }
        let at = charge.scheduleAt ?? Int(Date().timeIntervalSince1970)
        let _: Ignored = try call("POST", "/payments/\(http.escape(charge.merchantUID))/schedule",
                                  body: Body(payment: paymentInput(key: key, charge), timeToPay: Self.rfc3339(at)))
    }

    /// `GET /payment-schedules` filtered by the key; the schedule made under the order number, newest first.
    public func scheduledCharge(merchantUID: String, key: String) throws(ProviderError) -> ScheduledCharge? {
        struct Filter: Encodable { var storeId: String?, billingKey: String }
        struct Page: Encodable { var number: Int, size: Int }
        struct Request: Encodable { var page: Page, filter: Filter }
        struct Listing: Decodable {
            struct Item: Decodable { var status: String, paymentId: String, billingKey: String? }
            struct Info: Decodable { var number: Int, size: Int, totalCount: Int }
            var items: [Item]
            var page: Info
        }
        var number = 0
        while true {
            guard let json = try? JSONEncoder().encode(Request(page: Page(number: number, size: 100),
                                                                 filter: Filter(storeId: storeID, billingKey: key))) else {
                throw .unavailable("cannot encode the request")
            }
            let listing: Listing = try call("GET", "/payment-schedules?requestBody=" + http.escape(String(decoding: json, as: UTF8.self)),
                                            body: nil)
            if let found = listing.items.first(where: { $0.paymentId == merchantUID && ($0.billingKey ?? key) == key }) {
                switch found.status {
                case "REVOKED": return ScheduledCharge(merchantUID: merchantUID, state: .revoked)
                case "SUCCEEDED", "FAILED": return ScheduledCharge(merchantUID: merchantUID, state: .ran(paymentID: merchantUID))
                default: return ScheduledCharge(merchantUID: merchantUID, state: .waiting)
                }
            }
            number += 1
            guard !listing.items.isEmpty, number * listing.page.size < listing.page.totalCount else { return nil }
        }
    }

    /// `DELETE /payment-schedules` for every schedule of the key, the filter in `requestBody` (a DELETE body is
    /// dropped by some proxies). None left, or the key already gone, is success.
    public func revokeSchedules(key: String) throws(ProviderError) {
        struct Body: Encodable { var storeId: String?, billingKey: String }
        guard let json = try? JSONEncoder().encode(Body(storeId: storeID, billingKey: key)) else {
            throw .unavailable("cannot encode the request")
        }
        do {
            let _: Ignored = try call("DELETE", "/payment-schedules?requestBody=" + http.escape(String(decoding: json, as: UTF8.self)),
                                      body: nil)
        } catch .notFound {
        } catch let .refused(_, message) where message.hasPrefix("PAYMENT_SCHEDULE_ALREADY")
                                            || message.hasPrefix("BILLING_KEY_ALREADY_DELETED") {
        }
    }

    /// `DELETE /billing-keys/{billingKey}`. Already deleted is success.
    public func deleteBillingKey(_ key: String) throws(ProviderError) {
        var query = "?reason=" + http.escape("정기배송 해지")
        if let storeID { query += "&storeId=" + http.escape(storeID) }
        do {
            let _: Ignored = try call("DELETE", "/billing-keys/\(http.escape(key))" + query, body: nil)
        } catch .notFound {
        } catch let .refused(_, message) where message.hasPrefix("BILLING_KEY_ALREADY_DELETED") {}
    }

    /// On V2 the order number is the payment's id.
    public func payment(merchantUID: String) throws(ProviderError) -> ProviderPayment { try payment(id: merchantUID) }

    /// `GET /identity-verifications/{identityVerificationId}`: only status, time, PG and birth date are decoded. The
    /// order it was made for is the one its id names.
    public func identityVerification(id: String) throws(ProviderError) -> IdentityVerification {
        let found: PortOneIdentityVerification = try call("GET", "/identity-verifications/\(http.escape(id))" + storeQuery,
                                                         body: nil)
        guard found.id == id else { throw .unavailable("PortOne answered with another identity verification") }
        return IdentityVerification(id: found.id, merchantUID: IdentityVerificationID.merchantUID(of: found.id),
                                    provider: found.channel?.pgProvider, verified: found.status == "VERIFIED",
                                    verifiedAt: PortOnePayment.seconds(found.verifiedAt),
                                    birthDate: found.verifiedCustomer?.birthDate)
    }

    /// `BillingKeyPaymentInput`: the charge as V2 takes it, with the buyer's details for the ledger.
    struct PaymentInput: Encodable {
        struct Amount: Encodable { var total: Int, taxFree: Int? }
        struct Name: Encodable { var full: String }
        struct Address: Encodable { var addressLine1: String, addressLine2: String }
        struct Customer: Encodable {
            var name: Name?
            var email: String?
            var phoneNumber: String?
            var address: Address?
            var zipcode: String?
        }
        var storeId: String?
        var billingKey: String
        var orderName: String
        var customer: Customer
        var customData: String
        var amount: Amount
        var currency: String
    }

    private func paymentInput(key: String, _ charge: BillingCharge) -> PaymentInput {
        PaymentInput(storeId: storeID, billingKey: key, orderName: charge.name ?? "정기배송",
                     customer: .init(name: charge.buyerName.map { .init(full: $0) }, email: charge.buyerEmail,
                                     phoneNumber: charge.buyerTel,
                                     address: charge.buyerAddr.map { .init(addressLine1: $0, addressLine2: "") },
                                     zipcode: charge.buyerPostcode),
                     customData: charge.customData,
                     amount: .init(total: charge.amount, taxFree: charge.taxFree > 0 ? charge.taxFree : nil),
                     currency: charge.currency)
    }
}

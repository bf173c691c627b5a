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
        var bytes: [UInt8]?
        var headers = ["Authorization: PortOne \(secret)", "Accept: application/json", "User-Agent: gage-verify"]
        if let body {
            guard let data = try? JSONEncoder().encode(body) else { throw .unavailable("cannot encode the request") }
            bytes = Array(data)
            headers.append("Content-Type: application/json")
        }
        let response: HTTPResponse
        do {
            response = try http.send(method: method, url: baseURL + path, headers: headers, body: bytes)
        } catch {
            throw .unavailable(error.timedOut ? "timed out" : error.message)
        }
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
            let error = try? JSONDecoder().decode(PortOneErrorBody.self, from: Data(response.body))
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

    static func rfc3339(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
    }
}

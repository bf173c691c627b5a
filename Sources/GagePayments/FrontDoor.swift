import GageCore
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A finished answer: the HTTP status a web server sends, the exit code stdin mode ends with, the JSON body.
public struct Answer: Sendable {
    public var httpStatus: Int
    public var exitCode: Int32
    public var reply: Reply
    public var extraHeaders: [String] = []
}

/// The function's entry point for both front doors: CGI (RFC 3875) when `GATEWAY_INTERFACE` is set, otherwise
/// one JSON request on stdin and one JSON reply on stdout.
public enum VerifyFunction {
    /// Bodies above this are refused (413) without being read.
    public static let maximumBody = 64 * 1024

    /// Runs one invocation and closes stdout, so the web server can send the answer while the caller goes on
    /// (delivering notifications); returns the process exit status.
    public static func main(environment: [String: String], notifier: (any OrderNotifier)? = nil) -> Int32 {
        let log = Log(enabled: environment["GAGE_VERIFY_QUIET"] == nil)
        let status: Int32
        if environment["GATEWAY_INTERFACE"] != nil {
            let answer = CGIDoor.handle(environment: environment, log: log, notifier: notifier)
            writeStdout(CGIDoor.render(answer))
            status = 0
        } else {
            let answer = StdinDoor.handle(environment: environment, log: log, notifier: notifier)
            writeStdout(answer.reply.json + [0x0A])
            status = answer.exitCode
        }
        close(1)
        return status
    }

    /// Maps a failure to its status, exit code and message.
    static func answer(for error: ServiceError, provider: ProviderKind = .iamport) -> Answer {
        switch error {
        case let .request(problem):
            switch problem {
            case let .malformed(message): return Answer(httpStatus: 400, exitCode: 2, reply: .failure(message))
            case .tooLarge: return Answer(httpStatus: 413, exitCode: 2, reply: .failure("the request body is over 64 KiB"))
            case let .unknownAction(action):
                return Answer(httpStatus: 404, exitCode: 2, reply: .failure("unknown action \(action); use verify, webhook, prepare, stock, identity, order, subscribe, subscription or (PortOne V2) confirm"))
            case let .methodNotAllowed(allowed):
                return Answer(httpStatus: 405, exitCode: 2, reply: .failure("method not allowed"),
                              extraHeaders: ["Allow: " + allowed.joined(separator: ", ")])
            }
        case .unknownPayment:
            return Answer(httpStatus: 404, exitCode: 2,
                          reply: .failure("\(provider.displayName) knows no payment with this \(provider.idName)"))
        case .merchantMismatch:
            return Answer(httpStatus: 400, exitCode: 2, reply: .failure("merchant_uid does not belong to this payment"))
        case let .unpriceable(problem):
            var reply = Reply.failure(problem.description)
            reply.reason = problem.reason
            return Answer(httpStatus: 400, exitCode: 2, reply: reply)
        case let .orderRefused(problem, title):
            var reply = Reply.failure(problem.description)
            reply.reason = problem.reason
            reply.title = title
            switch problem {
            case let .soldOut(sku, requested, available):
                (reply.sku, reply.requested, reply.available) = (sku, requested, available)
            case let .quantityLimit(sku, requested, limit):
                (reply.sku, reply.requested, reply.limit) = (sku, requested, limit)
            case let .unknownItem(sku), let .unknownOption(sku, _), let .missingOption(sku, _),
                 let .unknownOptionValue(sku, _, _), let .notSubscribable(sku, _):
                reply.sku = sku
            case let .invalidQuantity(sku, _):
                reply.sku = sku
            case let .discountInvalid(why):
                reply.discountProblem = why.rawValue
            case .emptyOrder, .amountOverflow, .addressRequired:
                break
            }
            // 409: the order conflicts with the shop as it is now; a malformed order is the caller's error (400).
            return Answer(httpStatus: problem.reason == "bad_custom_data" ? 400 : 409, exitCode: 2, reply: reply)
        case let .tooManyRequests(retryAfter):
            return Answer(httpStatus: 429, exitCode: 2, reply: .failure("too many requests; try again later"),
                          extraHeaders: ["Retry-After: \(retryAfter)"])
        // What went wrong in detail goes to stderr only: bodies carry no paths, system errors or upstream text.
        case .configuration:
            return Answer(httpStatus: 500, exitCode: 3,
                          reply: .failure("the verify function is misconfigured; its log says how"))
        case .providerUnavailable:
            return Answer(httpStatus: 502, exitCode: 4,
                          reply: .failure("the \(provider.displayName) API failed or timed out; nothing was decided, try again"))
        case .ledgerUnavailable:
            return Answer(httpStatus: 503, exitCode: 5,
                          reply: .failure("the order ledger cannot be written; nothing was decided, try again"))
        // One answer for an unknown number and a wrong phone: the lookup tells nothing about which it was.
        case .noSuchOrder:
            return Answer(httpStatus: 404, exitCode: 2, reply: .failure("no order matches this order number and phone number"))
        case .noSuchSubscription:
            return Answer(httpStatus: 404, exitCode: 2, reply: .failure("no subscription has this manage token"))
        case .unauthenticWebhook:
            return Answer(httpStatus: 401, exitCode: 2, reply: .failure("the webhook signature does not verify"))
        case let .confirmRefused(reason, message):
            var reply = Reply.failure("the order does not check out; PortOne must not approve this payment")
            reply.reason = reason
            reply.errorMessage = message
            // Not 0: behind the OpenFaaS watchdog only a non-zero exit makes the answer non-200, and PortOne
            // approves a payment whose confirm request is answered 200.
            return Answer(httpStatus: 409, exitCode: 6, reply: reply)
        case let .orderActionRefused(reason, message):
            var reply = Reply.failure(message)
            reply.reason = reason
            return Answer(httpStatus: 409, exitCode: 2, reply: reply)
        case let .amountChanged(shown, now):
            var reply = Reply.failure("a delivery costs \(now), not the \(shown) the page showed; nothing was charged")
            reply.reason = "amount_changed"
            (reply.amount, reply.expectedAmount) = (shown, now)   // as for amount_mismatch: what was shown, what it costs
            return Answer(httpStatus: 409, exitCode: 2, reply: reply)
        case .tooManyTries:
            return Answer(httpStatus: 429, exitCode: 2,
                          reply: .failure("too many failed lookups; try again in an hour or ask the shop"),
                          extraHeaders: ["Retry-After: \(OrderLookup.window)"])
        }
    }

    /// What every action needs, loaded once per invocation, before any call to Iamport.
    struct Context {
        var configuration: Configuration
        var catalogFile: CatalogFile
        var catalog: Catalog { catalogFile.catalog }
    }

    static func loadContext(environment: [String: String], log: Log) -> Result<Context, ServiceError> {
        do {
            let configuration = try Configuration.load(environment: environment)
            let catalogFile = try configuration.loadCatalog()
            try configuration.checkCredentials(for: catalogFile.catalog)
            return .success(Context(configuration: configuration, catalogFile: catalogFile))
        } catch {
            log.error("configuration: \(error)")
            return .failure(.configuration(error.description))
        }
    }

    /// Runs `action` for a parsed request from `client` (the caller's address; nil when unknown). A PortOne V2
    /// webhook or confirm request is verified on its raw `body` and signature `headers` instead of `fields`.
    static func run(action: Action, fields: RequestFields, channel: Channel, context: Context, log: Log,
                    notifier: (any OrderNotifier)?, client: String?, body: [UInt8] = [],
                    headers: WebhookHeaders? = nil) -> Answer {
        let provider = context.catalog.payment.api
        let client = context.configuration.clientLimits ? client : nil
        do throws(ServiceError) {
            let service = makeService(configuration: context.configuration, catalogFile: context.catalogFile, log: log,
                                      notifier: notifier)
            try service.admit(action, client: client)
            switch action {
            case .webhook where provider == .portone, .confirm where provider == .portone:
                return Answer(httpStatus: 200, exitCode: 0,
                              reply: try service.portOneDelivery(body: body, headers: headers ?? .init(environment: [:]),
                                                                 confirmDoor: action == .confirm))
            case .confirm:
                throw ServiceError.request(.unknownAction("confirm (a PortOne V2 confirm URL; this shop is V1)"))
            case .verify, .webhook:
                let reference: PaymentReference
                do { reference = try PaymentReference(fields: fields, provider: provider) } catch {
                    throw ServiceError.request(error)
                }
                return Answer(httpStatus: 200, exitCode: 0, reply: try service.verify(reference, channel: channel))
            case .prepare:
                return Answer(httpStatus: 200, exitCode: 0, reply: try service.prepare(fields, client: client))
            case .stock:
                return Answer(httpStatus: 200, exitCode: 0, reply: try service.stock(fields))
            case .identity:
                return Answer(httpStatus: 200, exitCode: 0, reply: try service.identity(fields))
            case .order:
                return Answer(httpStatus: 200, exitCode: 0, reply: try service.lookup(fields, client: client))
            case .subscribe:
                return Answer(httpStatus: 200, exitCode: 0, reply: try service.subscribe(fields))
            case .subscription:
                return Answer(httpStatus: 200, exitCode: 0, reply: try service.manage(fields))
            }
        } catch {
            switch error {
            case let .providerUnavailable(detail): log.error("\(provider.displayName): \(detail)")
            case let .configuration(detail): log.error("configuration: \(detail)")
            default: break
            }
            return answer(for: error, provider: provider)
        }
    }

    public static func makeService(configuration: Configuration, catalogFile: CatalogFile, log: Log,
                            notifier: (any OrderNotifier)?) -> VerifyService {
        VerifyService(catalogFile: catalogFile, client: makeProvider(configuration: configuration, catalog: catalogFile.catalog,
                                                                     log: log),
                      log: log, ledger: configuration.ledger, notifier: notifier,
                      webhookSecret: configuration.portone?.webhookSecret)
    }

    /// The client of the provider the catalog names (its credentials were checked when the context loaded).
    public static func makeProvider(configuration: Configuration, catalog: Catalog, log: Log) -> any ShopProvider {
        let http = CurlHTTPClient(totalTimeout: configuration.timeout)
        if catalog.payment.api == .portone, let portone = configuration.portone {
            return PortOneClient(baseURL: portone.apiURL, secret: portone.secret, storeID: catalog.payment.storeID,
                                 http: http)
        }
        let iamport = configuration.iamport ?? .init(key: "", secret: "", apiURL: "https://api.iamport.kr")
        let tokens = TokenCache(directory: configuration.cacheDirectory, apiURL: iamport.apiURL, key: iamport.key, log: log)
        return IamportClient(baseURL: iamport.apiURL, key: iamport.key, secret: iamport.secret, http: http, tokens: tokens)
    }

    static func writeStdout(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Reads at most `limit` bytes from stdin (one more tells that the body is too large).
    static func readStdin(limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, min($0.count, limit - bytes.count)) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
}

/// stdin-JSON mode, as serverless runners (the OpenFaaS classic watchdog) call functions. The action is the body's
/// `"action"`; when the body names none, behind the watchdog it is the request's path (`Http_Path`), as under CGI,
/// and a GET (the mobile redirect) brings its fields in the query string (`Http_Query`).
enum StdinDoor {
    static func handle(environment: [String: String], log: Log, notifier: (any OrderNotifier)?) -> Answer {
        let body = VerifyFunction.readStdin(limit: VerifyFunction.maximumBody + 1)
        guard body.count <= VerifyFunction.maximumBody else { return VerifyFunction.answer(for: .request(.tooLarge)) }
        let http = WatchdogRequest(environment: environment)
        var pathAction: Action?
        if let path = http?.path {
            guard let action = Action(path: path) else {
                return VerifyFunction.answer(for: .request(.unknownAction(String(path.prefix(40)))))
            }
            pathAction = action
        }
        // A signed delivery (PortOne V2; the watchdog passes its headers as Http_Webhook_*) is a webhook or a
        // confirm request, taken on its raw body: PortOne's body has no "action".
        let signed = WebhookHeaders(environment: environment)
        if signed.isPresent, pathAction == nil || pathAction == .webhook || pathAction == .confirm {
            return run(pathAction ?? .webhook, fields: RequestFields(values: [:]), channel: .webhook,
                       environment: environment, log: log, notifier: notifier, body: body, headers: signed)
        }
        let fields: RequestFields
        do {
            if let http, http.method == "GET" {
                fields = RequestFields(values: FormDecoding.decode(http.query).mapValues(JSONValue.string))
            } else {
                fields = try RequestFields.parse(body: body, contentType: http?.contentType ?? "application/json")
            }
        } catch {
            return VerifyFunction.answer(for: .request(error))
        }
        let action: Action
        if let name = fields.string("action") {
            guard let named = Action(rawValue: name) else {
                return VerifyFunction.answer(for: .request(.unknownAction(String(name.prefix(40)))))
            }
            action = named
        } else {
            action = pathAction ?? .verify
            if let http, !action.allowedMethods.contains(http.method) {
                return VerifyFunction.answer(for: .request(.methodNotAllowed(allowed: action.allowedMethods)))
            }
        }
        let channel: Channel = action == .webhook ? .webhook : (http?.method == "GET" ? .redirect : .callback)
        return run(action, fields: fields, channel: channel, environment: environment, log: log, notifier: notifier,
                   body: body, headers: signed)
    }

    private static func run(_ action: Action, fields: RequestFields, channel: Channel, environment: [String: String],
                            log: Log, notifier: (any OrderNotifier)?, body: [UInt8], headers: WebhookHeaders) -> Answer {
        switch VerifyFunction.loadContext(environment: environment, log: log) {
        case let .success(context):
            return VerifyFunction.run(action: action, fields: fields, channel: channel, context: context, log: log,
                                      notifier: notifier, client: nil, body: body, headers: headers)
        case let .failure(error):
            return VerifyFunction.answer(for: error)
        }
    }
}

/// CGI (RFC 3875): the web server passes the request in the environment and the body on stdin.
enum CGIDoor {
    static func handle(environment: [String: String], log: Log, notifier: (any OrderNotifier)?) -> Answer {
        let method = environment["REQUEST_METHOD"]?.uppercased() ?? "GET"
        let context: VerifyFunction.Context
        switch VerifyFunction.loadContext(environment: environment, log: log) {
        case let .success(loaded): context = loaded
        case let .failure(error): return VerifyFunction.answer(for: error)
        }
        let cors = CORS(requestOrigin: environment["HTTP_ORIGIN"], shopURL: context.catalog.baseURL)
        var bodyRead = false
        var answer = route(method: method, environment: environment, context: context, log: log, notifier: notifier,
                           bodyRead: &bodyRead)
        if !bodyRead { discardBody(environment) }
        answer.extraHeaders += cors.headers(preflight: method == "OPTIONS")
        return answer
    }

    private static func route(method: String, environment: [String: String], context: VerifyFunction.Context,
                              log: Log, notifier: (any OrderNotifier)?, bodyRead: inout Bool) -> Answer {
        let path = environment["PATH_INFO"] ?? ""
        guard let action = Action(path: path) else {
            return VerifyFunction.answer(for: .request(.unknownAction(String(path.prefix(40)))))
        }
        let allowed = action.allowedMethods
        if method == "OPTIONS" { return Answer(httpStatus: 204, exitCode: 0, reply: Reply(ok: true)) }
        guard allowed.contains(method) else { return VerifyFunction.answer(for: .request(.methodNotAllowed(allowed: allowed))) }

        let fields: RequestFields
        if method == "GET" {
            fields = RequestFields(values: FormDecoding.decode(environment["QUERY_STRING"] ?? "").mapValues(JSONValue.string))
        } else {
            // Without CONTENT_LENGTH (a chunked request, some servers) the body is read to its end, up to the cap.
            let declared = environment["CONTENT_LENGTH"].flatMap { $0.isEmpty ? nil : $0 }
            let length = declared.map { Int($0) ?? -1 } ?? VerifyFunction.maximumBody + 1
            guard length >= 0 else { return VerifyFunction.answer(for: .request(.malformed("bad CONTENT_LENGTH"))) }
            guard declared == nil || length <= VerifyFunction.maximumBody else {
                return VerifyFunction.answer(for: .request(.tooLarge))
            }
            let body = VerifyFunction.readStdin(limit: length)
            bodyRead = true
            guard body.count <= VerifyFunction.maximumBody else { return VerifyFunction.answer(for: .request(.tooLarge)) }
            // PortOne V2's signed deliveries are checked on the raw body before it is parsed.
            if context.catalog.payment.api == .portone, action == .webhook || action == .confirm {
                return VerifyFunction.run(action: action, fields: RequestFields(values: [:]), channel: .webhook,
                                          context: context, log: log, notifier: notifier,
                                          client: ClientAddress.resolve(environment: environment), body: body,
                                          headers: WebhookHeaders(environment: environment))
            }
            do {
                fields = try RequestFields.parse(body: body, contentType: environment["CONTENT_TYPE"])
            } catch {
                return VerifyFunction.answer(for: .request(error))
            }
        }
        let channel: Channel = action == .webhook ? .webhook : (method == "GET" ? .redirect : .callback)
        return VerifyFunction.run(action: action, fields: fields, channel: channel, context: context, log: log,
                                  notifier: notifier, client: ClientAddress.resolve(environment: environment))
    }

    /// Servers such as Apache write the whole request body to the program and cut the answer short if the
    /// program exits without reading it. So a body that is refused unused is read and dropped, 16 KiB at a
    /// time and never kept, up to 1 MiB (the recipes make the server refuse anything larger itself).
    static func discardBody(_ environment: [String: String]) {
        guard var remaining = Int(environment["CONTENT_LENGTH"] ?? ""), remaining > 0 else { return }
        remaining = min(remaining, 1 << 20)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while remaining > 0 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, min($0.count, remaining)) }
            if count <= 0 { return }
            remaining -= count
        }
    }

    static func render(_ answer: Answer) -> [UInt8] {
        var head = "Status: \(answer.httpStatus) \(reasonPhrase(answer.httpStatus))\r\n"
        head += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
        for header in answer.extraHeaders { head += header + "\r\n" }
        if answer.httpStatus == 204 { return Array((head + "\r\n").utf8) }
        head += "Content-Type: application/json; charset=utf-8\r\n\r\n"
        return Array(head.utf8) + answer.reply.json + [0x0A]
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// Cross-origin access for the shop's own origin only: the origin of `base_url` in catalog.json, compared after
/// normalising both (scheme and host lower-cased, the scheme's default port dropped).
public struct CORS {
    let allowedOrigin: String?

    init(requestOrigin: String?, shopURL: String) {
        let shopOrigin = Self.origin(of: shopURL)
        allowedOrigin = requestOrigin.map(Self.origin(of:)) == shopOrigin ? requestOrigin : nil
    }

    /// `HTTPS://Shop.Example.kr:443/path/` → `https://shop.example.kr`.
    public static func origin(of url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return url.lowercased() }
        let name = url[..<scheme.lowerBound].lowercased()
        var authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }.lowercased()
        let defaultPort = name == "https" ? ":443" : name == "http" ? ":80" : nil
        if let defaultPort, authority.hasSuffix(defaultPort) { authority.removeLast(defaultPort.count) }
        return name + "://" + authority
    }

    func headers(preflight: Bool) -> [String] {
        guard let allowedOrigin else { return ["Vary: Origin"] }
        var headers = ["Access-Control-Allow-Origin: \(allowedOrigin)", "Vary: Origin"]
        if preflight {
            headers += ["Access-Control-Allow-Methods: GET, POST, OPTIONS",
                        "Access-Control-Allow-Headers: Content-Type, Accept", "Access-Control-Max-Age: 600"]
        }
        return headers
    }
}

import FlyingFox
import Foundation
import IamportSandbox
import PortOneSandbox

/// Routes one request of `gage serve`.
struct DevHandler: HTTPHandler {
    let server: DevServer

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        // DNS rebinding: a page on another site whose name was pointed at 127.0.0.1 could otherwise drive the sandbox
        // (and the verify function behind it) from the seller's own browser. Only our own address is answered.
        let baseURL = await server.state.baseURL
        guard Self.isOwnHost(request.headers[.host], baseURL: baseURL) else {
            return HTTPResponse(statusCode: .init(421, phrase: "Misdirected Request"),
                                headers: [.contentType: "text/plain; charset=utf-8"],
                                body: Data("gage serve answers only \(baseURL)\n".utf8))
        }
        // The raw target: FlyingFox's `path` drops the trailing slash that tells a folder from a file.
        let path = request.target.path(percentEncoded: false)
        if path == "/__gage/live" {
            return try await WebSocketHTTPHandler.webSocket(LiveReloadSocket(reload: server.reload)).handleRequest(request)
        }
        if path == "/__gage/live.js" { return Self.text(liveReloadScript, type: "text/javascript; charset=utf-8") }
        if path == "/__gage/status" {
            let errors = await server.state.errors
            return Self.json(["errors": errors, "builds": await server.state.builds])
        }
        if server.options.sandbox, let response = try await sandboxRoute(path: path, request: request) {
            return response
        }
        return await staticFile(path)
    }

    // MARK: - Sandbox

    private func sandboxRoute(path: String, request: HTTPRequest) async throws -> HTTPResponse? {
        guard let iamport = server.iamport, let portone = server.portone else { return nil }
        if path == "/__sandbox/iamport.js" {
            return Self.text(SandboxAssets.sdkScript, type: "text/javascript; charset=utf-8")
        }
        if path == "/__sandbox/portone.js" {
            return Self.text(SandboxAssets.portOneScript, type: "text/javascript; charset=utf-8")
        }
        if path == "/__sandbox/postcode.v2.js" {
            return Self.text(SandboxAssets.postcodeScript, type: "text/javascript; charset=utf-8")
        }
        if path == "/__sandbox" || path == "/__sandbox/" {
            return Self.text(SandboxAssets.controlPage, type: "text/html; charset=utf-8")
        }
        if path == "/__sandbox/mail" || path == "/__sandbox/mail/" {
            return Self.text(SandboxMail.page(ledgerPath: server.ledgerPath), type: "text/html; charset=utf-8")
        }
        if path == "/__sandbox/mail.json" {
            return Self.json(SandboxMail.messages(ledgerPath: server.ledgerPath))
        }
        if path.hasPrefix("/__iamport/") || path == "/__iamport" {
            return try await forward(String(path.dropFirst("/__iamport".count)), request: request, to: iamport)
        }
        if path.hasPrefix("/__portone/") || path == "/__portone" {
            return try await forward(String(path.dropFirst("/__portone".count)), request: request, to: portone)
        }
        if path.hasPrefix("/__gage/sandbox/portone/approve/"), request.method == .POST {
            let id = String(path.dropFirst("/__gage/sandbox/portone/approve/".count))
            let body = (try? JSONSerialization.jsonObject(with: try await request.bodyData)) as? [String: Any]
            return await approveV2(paymentID: id, confirm: body?["confirm"] as? Bool ?? false, api: portone)
        }
        if path.hasPrefix("/__gage/sandbox/portone/deposit/"), request.method == .POST {
            return await depositV2(paymentID: String(path.dropFirst("/__gage/sandbox/portone/deposit/".count)), api: portone)
        }
        if path == "/__gage/sandbox/schedules/run", request.method == .POST {
            return await runSchedules(api: iamport, portone: portone)
        }
        if path.hasPrefix("/__gage/sandbox/deposit/"), request.method == .POST {
            return await deposit(impUID: String(path.dropFirst("/__gage/sandbox/deposit/".count)), api: iamport)
        }
        if let verifyPath = await server.state.verifyPath, path == verifyPath || path.hasPrefix(verifyPath + "/") {
            return try await runVerify(request: request, scriptName: verifyPath,
                                       pathInfo: String(path.dropFirst(verifyPath.count)))
        }
        return nil
    }

    private func forward(_ path: String, request: HTTPRequest, to api: some SandboxBackend) async throws -> HTTPResponse {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }
        let (answer, _) = await api.handle(method: request.method.rawValue, path: path.isEmpty ? "/" : path,
                                           query: query, headers: headers, body: try await request.bodyData)
        return HTTPResponse(statusCode: Self.status(answer.status),
                            headers: [.contentType: "application/json; charset=UTF-8"], body: answer.body)
    }

    /// A deposit into a virtual account, then Iamport's webhook to the verify function, as PortOne would send it.
    private func deposit(impUID: String, api: SandboxAPI) async -> HTTPResponse {
        guard let payment = await api.deposit(impUID: impUID) else {
            return Self.json(["error": "not an issued virtual account"], status: 409)
        }
        guard let (status, webhook) = await sendWebhook(impUID: payment.impUID, merchantUID: payment.merchantUID,
                                                         status: "paid") else {
            return Self.json(["error": "no verify function to notify"], status: 500)
        }
        return Self.json(["imp_uid": payment.impUID, "status": payment.status, "webhook_status": status,
                          "webhook": webhook])
    }

    /// Time travel for 정기배송: every scheduled charge runs now, and each sends its webhook, as PortOne would on the
    /// day.
    private func runSchedules(api: SandboxAPI, portone: PortOneSandboxAPI) async -> HTTPResponse {
        var runs: [[String: Any]] = []
        for run in await api.runSchedules() {
            let delivered = await sendWebhook(impUID: run.impUID, merchantUID: run.merchantUID, status: run.status)
            runs.append(["imp_uid": run.impUID, "merchant_uid": run.merchantUID, "status": run.status,
                         "webhook_status": delivered?.status ?? 0, "webhook": delivered?.answer ?? NSNull()])
        }
        // V2: each run comes with the signed Transaction.Paid / Transaction.Failed PortOne sends.
        let (answer, _) = await portone.handle(method: "POST", path: "/__sandbox/schedules/run", query: [:], headers: [:],
                                               body: Data("{}".utf8))
        for run in (try? JSONSerialization.jsonObject(with: answer.body)) as? [[String: Any]] ?? [] {
            let paymentID = run["payment_id"] as? String ?? ""
            var delivered: (status: Int, answer: Any)?
            if let webhook = run["webhook"] as? [String: Any], let headers = webhook["headers"] as? [String: String],
               let body = webhook["body"] as? String {
                delivered = await postToVerify(pathInfo: "/webhook", headers: headers, body: Data(body.utf8))
            }
            runs.append(["payment_id": paymentID, "merchant_uid": paymentID,
                         "status": (run["status"] as? String ?? "").lowercased(),
                         "webhook_status": delivered?.status ?? 0, "webhook": delivered?.answer ?? NSNull()])
        }
        return Self.json(["runs": runs])
    }

    /// Iamport's webhook `{imp_uid, merchant_uid, status}` delivered to the verify function; nil when there is none.
    private func sendWebhook(impUID: String, merchantUID: String, status: String) async -> (status: Int, answer: Any)? {
        let body = try? JSONSerialization.data(withJSONObject: ["imp_uid": impUID, "merchant_uid": merchantUID,
                                                                "status": status])
        return await postToVerify(pathInfo: "/webhook", headers: [:], body: body ?? Data())
    }

    /// A POST to the verify function as a provider's server makes it; nil when there is no function to call.
    private func postToVerify(pathInfo: String, headers: [String: String], body: Data) async -> (status: Int, answer: Any)? {
        guard let gateway = await server.verifyGateway, let verifyPath = await server.state.verifyPath else { return nil }
        let answer = await gateway.run(.init(method: "POST", scriptName: verifyPath, pathInfo: pathInfo, query: "",
                                             headers: headers.merging(["content-type": "application/json"]) { $1 },
                                             body: body))
        let decoded = (try? JSONSerialization.jsonObject(with: answer.body)) ?? String(decoding: answer.body, as: UTF8.self)
        return (answer.status, decoded)
    }

    // MARK: - PortOne V2

    /// The V2 window's approval: with the shop's confirm URL in the request, PortOne first sends the function a
    /// signed `Transaction.Confirm` and approves only on a 200; a refusal fails the payment with its message.
    private func approveV2(paymentID: String, confirm: Bool, api: PortOneSandboxAPI) async -> HTTPResponse {
        var confirmation: (status: Int, answer: Any)?
        if confirm {
            guard let delivery = await signedDelivery(api, path: "/__sandbox/confirm/" + paymentID, query: [:]),
                  let answer = await postToVerify(pathInfo: "/confirm", headers: delivery.headers, body: delivery.body) else {
                return Self.json(["error": "no verify function to confirm with"], status: 500)
            }
            confirmation = answer
        }
        let approved = confirmation.map { $0.status == 200 } ?? true
        let (moved, _) = await api.handle(method: "POST", path: "/__sandbox/payments/\(paymentID)/\(approved ? "pay" : "fail")",
                                          query: [:], headers: [:], body: Data())
        var answer: [String: Any] = ["payment": (try? JSONSerialization.jsonObject(with: moved.body)) ?? NSNull()]
        if let confirmation {
            answer["confirm_status"] = confirmation.status
            answer["confirm"] = confirmation.answer
        }
        return Self.json(answer, status: moved.status)
    }

    /// A deposit into a V2 virtual account, then PortOne's signed `Transaction.Paid` webhook to the function.
    private func depositV2(paymentID: String, api: PortOneSandboxAPI) async -> HTTPResponse {
        let (moved, _) = await api.handle(method: "POST", path: "/__sandbox/payments/\(paymentID)/deposit", query: [:],
                                          headers: [:], body: Data())
        guard moved.status == 200 else { return Self.json(["error": "not an issued virtual account"], status: 409) }
        guard let delivery = await signedDelivery(api, path: "/__sandbox/webhooks/" + paymentID,
                                                  query: ["type": "Transaction.Paid"]),
              let (status, webhook) = await postToVerify(pathInfo: "/webhook", headers: delivery.headers,
                                                         body: delivery.body) else {
            return Self.json(["error": "no verify function to notify"], status: 500)
        }
        return Self.json(["payment_id": paymentID, "status": "PAID", "webhook_status": status, "webhook": webhook])
    }

    /// A delivery the V2 stand-in signed with the shop's webhook secret: its headers and raw body.
    private func signedDelivery(_ api: PortOneSandboxAPI, path: String,
                                query: [String: String]) async -> (headers: [String: String], body: Data)? {
        let (answer, _) = await api.handle(method: "GET", path: path, query: query, headers: [:], body: Data())
        guard answer.status == 200,
              let object = (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any],
              let headers = object["headers"] as? [String: String], let body = object["body"] as? String else { return nil }
        return (headers, Data(body.utf8))
    }

    private func runVerify(request: HTTPRequest, scriptName: String, pathInfo: String) async throws -> HTTPResponse {
        guard let gateway = await server.verifyGateway else {
            return Self.json(["ok": false, "error": "gage-verify was not found; build it (swift build) or pass --verify"],
                             status: 502)
        }
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
        let query = request.query.map { item in
            (item.name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? item.name) + "="
                + (item.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? item.value)
        }.joined(separator: "&")
        let answer = await gateway.run(.init(method: request.method.rawValue, scriptName: scriptName, pathInfo: pathInfo,
                                             query: query, headers: headers, body: try await request.bodyData))
        var responseHeaders = HTTPHeaders()
        for (name, value) in answer.headers { responseHeaders.addValue(value, for: HTTPHeader(name)) }
        return HTTPResponse(statusCode: Self.status(answer.status), headers: responseHeaders,
                            body: answer.body)
    }

    // MARK: - The built site

    private func staticFile(_ path: String) async -> HTTPResponse {
        let root = server.output
        guard !path.split(separator: "/").contains("..") else { return await notFound() }
        var file = root + path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            guard path.hasSuffix("/") else {
                return HTTPResponse(statusCode: .movedPermanently, headers: [.location: path + "/"])
            }
            file += "index.html"
        }
        guard let data = FileManager.default.contents(atPath: file) else { return await notFound() }
        return Self.page(data, path: file, status: .ok)
    }

    private func notFound() async -> HTTPResponse {
        let data = FileManager.default.contents(atPath: server.output + "/404.html") ?? Data("Not found".utf8)
        return Self.page(data, path: "404.html", status: .notFound)
    }

    /// HTML gets the live-reload script; everything is sent uncached so a reload always shows the new build.
    static func page(_ data: Data, path: String, status: HTTPStatusCode) -> HTTPResponse {
        let type = contentType(path)
        var body = data
        if type.hasPrefix("text/html"), var html = String(data: data, encoding: .utf8) {
            let tag = "<script src=\"/__gage/live.js\"></script>\n"
            if let end = html.range(of: "</body>", options: .backwards) {
                html.insert(contentsOf: tag, at: end.lowerBound)
            } else {
                html += tag
            }
            body = Data(html.utf8)
        }
        return HTTPResponse(statusCode: status, headers: [.contentType: type, .cacheControl: "no-store"], body: body)
    }

    static func contentType(_ path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "xml": return "application/xml; charset=utf-8"
        case "txt": return "text/plain; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }

    /// Whether a request's `Host` names this server: its own `127.0.0.1:port`, or `localhost:port`.
    static func isOwnHost(_ host: String?, baseURL: String) -> Bool {
        guard let host = host?.lowercased(), let start = baseURL.firstRange(of: "://")?.upperBound else { return false }
        let own = String(baseURL[start...].prefix { $0 != "/" })
        let port = own.split(separator: ":").last.map(String.init) ?? ""
        return host == own || host == "localhost:" + port
    }

    static func text(_ text: String, type: String) -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: Data(text.utf8))
    }

    static func json(_ value: Any, status: Int = 200) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
        return HTTPResponse(statusCode: Self.status(status),
                            headers: [.contentType: "application/json; charset=utf-8"], body: data)
    }

    static func status(_ code: Int) -> HTTPStatusCode {
        let phrases = [200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
                       405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
                       500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"]
        return HTTPStatusCode(code, phrase: phrases[code] ?? "Status")
    }
}

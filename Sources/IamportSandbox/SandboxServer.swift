import FlyingFox
import FlyingSocks
import Foundation

/// An in-memory provider API a `SandboxServer` serves: the V1 stand-in here, the V2 one in PortOneSandbox.
public protocol SandboxBackend: Actor {
    func handle(method: String, path: String, query: [String: String], headers: [String: String],
                body: Data) -> (SandboxResponse, SandboxFault?)
}

/// Serves a stand-in API over real HTTP on 127.0.0.1, and plays the armed faults: a 500, a slow answer,
/// garbage instead of JSON, or a connection dropped mid-answer.
public final class SandboxServer<API: SandboxBackend>: Sendable {
    public let api: API
    let server: HTTPServer

    public init(api: API, port: UInt16) throws {
        self.api = api
        server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 120,
                            logger: .disabled, handler: SandboxHandler(api: api))
    }

    /// Serves until the surrounding task is cancelled.
    public func run() async throws { try await server.run() }

    public func waitUntilListening() async throws { try await server.waitUntilListening() }

    /// The port actually bound (useful with port 0).
    public var port: UInt16? {
        get async {
            if case let .ip4(_, port)? = await server.listeningAddress { return port }
            return nil
        }
    }
}

struct SandboxHandler<API: SandboxBackend>: HTTPHandler {
    let api: API

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        var headers: [String: String] = [:]
        for (name, value) in request.headers where headers[name.rawValue.lowercased()] == nil {
            headers[name.rawValue.lowercased()] = value
        }
        var query: [String: String] = [:]
        for item in request.query where query[item.name] == nil { query[item.name] = item.value }
        let body = try await request.bodyData
        let (answer, fault) = await api.handle(method: request.method.rawValue, path: request.path, query: query,
                                               headers: headers, body: body)
        let json: HTTPHeaders = [.contentType: "application/json; charset=UTF-8"]
        switch fault?.kind {
        case "error500"?:
            return HTTPResponse(statusCode: .internalServerError, headers: json,
                                body: Data(#"{"code":-1,"message":"Internal Server Error","response":null}"#.utf8))
        case "garbage"?:
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html"],
                                body: Data("<html><body>502 Bad Gateway (nginx)</body></html>".utf8))
        case "close"?, "lost"?:
            // Promise more bytes than are sent, then close: the client sees the connection drop mid-answer.
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json", .contentLength: "4096",
                                                          .connection: "close"],
                                body: Data(#"{"code":0,"message":null,"respo"#.utf8))
        case "slow"?:
            try? await Task.sleep(for: .milliseconds(Int((fault?.seconds ?? 15) * 1000)))
        default:
            break
        }
        return HTTPResponse(statusCode: HTTPStatusCode(answer.status, phrase: Self.phrase(answer.status)),
                            headers: json, body: answer.body)
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 403: return "Forbidden"
        case 409: return "Conflict"
        default: return "Status"
        }
    }
}

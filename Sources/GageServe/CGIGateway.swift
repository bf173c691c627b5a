import Foundation

/// Runs a CGI program (RFC 3875) for one request, the way lighttpd or Apache would: the request in the
/// environment and on stdin, the answer's `Status:` and headers parsed from stdout.
struct CGIGateway: Sendable {
    let program: String
    /// Variables every invocation gets (the function's configuration).
    let baseEnvironment: [String: String]

    struct Request: Sendable {
        var method: String
        var scriptName: String
        var pathInfo: String
        var query: String
        var headers: [String: String]
        var body: Data
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: Data
    }

    func run(_ request: Request) async -> Response {
        var environment = baseEnvironment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        environment["GATEWAY_INTERFACE"] = "CGI/1.1"
        environment["SERVER_PROTOCOL"] = "HTTP/1.1"
        environment["SERVER_SOFTWARE"] = "gage-serve"
        environment["REQUEST_METHOD"] = request.method
        environment["SCRIPT_NAME"] = request.scriptName
        environment["PATH_INFO"] = request.pathInfo
        environment["QUERY_STRING"] = request.query
        environment["REMOTE_ADDR"] = "127.0.0.1"
        environment["CONTENT_LENGTH"] = String(request.body.count)
        if let type = request.headers["content-type"] { environment["CONTENT_TYPE"] = type }
        for (name, value) in request.headers where name != "content-type" && name != "content-length" {
            environment["HTTP_" + name.uppercased().replacingOccurrences(of: "-", with: "_")] = value
        }
        let program = self.program
        let finalEnvironment = environment
        return await withCheckedContinuation { continuation in
            // Process and pipes block: keep them off the cooperative thread pool.
            DispatchQueue.global().async {
                continuation.resume(returning: Self.execute(program: program, environment: finalEnvironment, body: request.body))
            }
        }
    }

    private static func execute(program: String, environment: [String: String], body: Data) -> Response {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return failure("cannot start \(program): \(error.localizedDescription)")
        }
        DispatchQueue.global().async {
            try? stdin.fileHandleForWriting.write(contentsOf: body)
            try? stdin.fileHandleForWriting.close()
        }
        // Forward the function's log lines to the terminal, as a web server's error log would.
        let logs = stderr.fileHandleForReading
        DispatchQueue.global().async {
            let data = logs.readDataToEndOfFile()
            if !data.isEmpty { FileHandle.standardError.write(data) }
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return parse(output) ?? failure("the CGI program's answer has no header block")
    }

    static func parse(_ output: Data) -> Response? {
        let bytes = [UInt8](output)
        var split: (head: Int, body: Int)?
        for index in bytes.indices {
            if bytes[index...].starts(with: [13, 10, 13, 10]) { split = (index, index + 4); break }
            if bytes[index...].starts(with: [10, 10]) { split = (index, index + 2); break }
        }
        guard let split else { return nil }
        let head = String(decoding: bytes[..<split.head], as: UTF8.self)
        var status = 200
        var headers: [(String, String)] = []
        for line in head.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "status" {
                status = Int(value.prefix(3)) ?? 500
            } else {
                headers.append((name, value))
            }
        }
        return Response(status: status, headers: headers, body: Data(bytes[split.body...]))
    }

    static func failure(_ message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["ok": false, "error": message])) ?? Data()
        return Response(status: 502, headers: [("Content-Type", "application/json")], body: body)
    }
}

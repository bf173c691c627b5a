import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// The final response's headers, names lower-cased (the last of a repeated one).
    public var headers: [String: String] = [:]
}

/// The transport failed: no usable HTTP answer (refused, reset, timed out, TLS).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var timedOut: Bool
    public var description: String { message }
}

/// HTTP through libcurl with one easy handle for the whole invocation, so the token call and the payment call
/// share one connection, and one deadline for all of them together.
public final class CurlHTTPClient {
    private let handle: UnsafeMutableRawPointer
    private let budget: Duration
    private var deadline: ContinuousClock.Instant

    public init(totalTimeout: Duration) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let handle = curl_easy_init() else { fatalError("libcurl could not create a handle") }
        self.handle = handle
        budget = totalTimeout
        deadline = .now + totalTimeout
    }

    /// Gives the calls from now on a whole budget again. A batch (`gage orders reconcile`) starts one per payment,
    /// so a long run does not spend one function call's budget on its first few payments and fail the rest.
    public func renewBudget() {
        deadline = .now + budget
    }

    deinit { curl_easy_cleanup(handle) }

    private final class Sink {
        var bytes: [UInt8] = []
        /// Answers larger than this are not Iamport's; stop reading rather than fill memory.
        let limit = 4 << 20
    }

    /// Percent-encodes a path segment or query value (libcurl's `curl_easy_escape`).
    public func escape(_ text: String) -> String {
        guard let escaped = curl_easy_escape(handle, text, Int32(text.utf8.count)) else { return "" }
        defer { curl_free(escaped) }
        return String(cString: escaped)
    }

    public func send(method: String, url: String, headers: [String], body: [UInt8]?) throws(TransportError) -> HTTPResponse {
        let remaining = deadline - .now
        let remainingMilliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        guard remainingMilliseconds > 0 else {
            throw TransportError(message: "the time budget for Iamport ran out", timedOut: true)
        }
        curl_easy_reset(handle)
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        let sink = Sink()
        let sinkPointer = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<Sink>.fromOpaque(sinkPointer).release() }

        _ = gage_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = gage_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(remainingMilliseconds))
        _ = gage_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(remainingMilliseconds, 5000)))
        _ = gage_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = gage_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = gage_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        _ = gage_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = gage_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
        _ = gage_curl_setopt_write_function(handle) { pointer, size, count, userData in
            guard let pointer, let userData else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(userData).takeUnretainedValue()
            let length = size * count
            guard sink.bytes.count + length <= sink.limit else { return 0 }
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
            return length
        }
        _ = gage_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        let code: CURLcode
        if let body {
            // An empty body must still be a non-NULL pointer, or libcurl reads the request from stdin.
            var payload = body
            payload.append(0)
            code = payload.withUnsafeMutableBytes { raw in
                _ = gage_curl_setopt_long(handle, CURLOPT_POST, 1)
                _ = gage_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                _ = gage_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, raw.baseAddress)
                return curl_easy_perform(handle)
            }
        } else {
            _ = gage_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            code = curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            throw TransportError(message: "curl: \(detail)", timedOut: code == CURLE_OPERATION_TIMEDOUT)
        }
        var status = 0
        _ = gage_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var headers: [String: String] = [:]
        var previous: UnsafeMutablePointer<curl_header>?
        while let header = curl_easy_nextheader(handle, UInt32(CURLH_HEADER), -1, previous) {
            headers[String(cString: header.pointee.name).lowercased()] = String(cString: header.pointee.value)
            previous = header
        }
        return HTTPResponse(status: status, body: sink.bytes, headers: headers)
    }
}

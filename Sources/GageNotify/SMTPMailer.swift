import CCurl
import Foundation
import GagePayments

/// One e-mail as Gage sends it: multipart text + HTML, Korean headers encoded by RFC 2047.
public struct MailMessage: Sendable {
    public var from: String
    public var to: String
    public var toName: String?
    public var replyTo: String?
    public var subject: String
    public var text: String
    public var html: String?
    /// A stable id per notification, so a resend after a crash is recognisably the same message.
    public var messageID: String
    public var date: Date

    /// The header lines, each a single line (RFC 5322 allows 998 characters; encoded words are joined by spaces).
    var headers: [String] {
        let fromAddress = MailAddress.address(in: from) ?? from
        var lines = [
            "Date: " + Self.rfc5322Date(date),
            "From: " + Self.mailbox(fromAddress, name: MailAddress.displayName(in: from)),
            "To: " + Self.mailbox(to, name: toName),
            "Subject: " + RFC2047.encode(subject),
            "Message-ID: <\(messageID)>",
            "Auto-Submitted: auto-generated",
        ]
        if let replyTo, let address = MailAddress.address(in: replyTo) {
            lines.append("Reply-To: " + Self.mailbox(address, name: MailAddress.displayName(in: replyTo)))
        }
        return lines
    }

    static func mailbox(_ address: String, name: String?) -> String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        return RFC2047.encode(name) + " <\(address)>"
    }

    /// `Mon, 23 Nov 2026 05:04:03 +0000`, in English whatever the machine's locale.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// RFC 2047 encoded words for header text that is not plain ASCII.
enum RFC2047 {
    /// ASCII text as it is; anything else as `=?UTF-8?B?…?=` words of at most 75 characters, split between
    /// characters (never inside one), separated by spaces, which decoders drop between encoded words.
    static func encode(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return clean }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: " ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}

/// Why a message was not delivered; `permanent` when retrying cannot help (the server refused for good).
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var permanent: Bool
    public var description: String { message }
}

/// Sends e-mail over SMTP through libcurl: SMTPS, or STARTTLS required unless the server is on this machine.
public struct SMTPMailer: Sendable {
    public var url: String
    public var timeoutSeconds: Int = 20

    public init(url: String) { self.url = url }

    public func send(_ message: MailMessage) throws(DeliveryError) {
        guard let handle = curl_easy_init() else { throw DeliveryError(message: "libcurl could not start", permanent: false) }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        for line in message.headers { headers = curl_slist_append(headers, line) }
        var recipients: UnsafeMutablePointer<curl_slist>?
        recipients = curl_slist_append(recipients, "<\(message.to)>")
        defer {
            curl_slist_free_all(headers)
            curl_slist_free_all(recipients)
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        // The body: multipart/mixed holding one multipart/alternative of the text and the HTML, as libcurl's
        // own SMTP MIME example builds it. Both parts are base64 so long Korean lines survive any relay.
        let mime = curl_mime_init(handle)
        defer { curl_mime_free(mime) }
        let alternative = curl_mime_init(handle)
        func addPart(_ body: String, type: String) {
            let part = curl_mime_addpart(alternative)
            let bytes = Array(body.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                    _ = curl_mime_data(part, $0, buffer.count)  // libcurl copies the data
                }
            }
            curl_mime_type(part, type)
            curl_mime_encoder(part, "base64")
        }
        addPart(message.text, type: "text/plain; charset=utf-8")
        if let html = message.html { addPart(html, type: "text/html; charset=utf-8") }
        let container = curl_mime_addpart(mime)
        curl_mime_subparts(container, alternative)  // the container owns `alternative` from here on
        curl_mime_type(container, "multipart/alternative")
        let disposition = curl_slist_append(nil, "Content-Disposition: inline")
        curl_mime_headers(container, disposition, 1)

        let fromAddress = MailAddress.address(in: message.from) ?? message.from
        _ = gage_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = gage_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(fromAddress)>")
        _ = gage_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        _ = gage_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        _ = gage_curl_setopt_pointer(handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
        configureSession(handle, errorBuffer: errorBuffer)
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            var reply = 0
            _ = gage_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            // 5xx: the server refused for good (no such mailbox, relaying denied); anything else may pass later.
            throw DeliveryError(message: "SMTP: \(detail)" + (reply > 0 ? " (reply \(reply))" : ""),
                                permanent: reply >= 500 && reply < 600 && code != CURLE_LOGIN_DENIED)
        }
    }
}

extension SMTPMailer {
    /// What every session with the server sets, delivering or only probing: TLS required off loopback (STARTTLS
    /// on smtp://, implicit on smtps://), the time limits, no signals, and where libcurl says what went wrong.
    func configureSession(_ handle: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>) {
        let loopback = Configuration.isLoopback(url.replacingOccurrences(of: "smtps://", with: "http://")
                                                    .replacingOccurrences(of: "smtp://", with: "http://"))
        _ = gage_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(loopback ? CURLUSESSL_NONE.rawValue : CURLUSESSL_ALL.rawValue))
        _ = gage_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeoutSeconds)
        _ = gage_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 5)
        _ = gage_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = gage_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }
}

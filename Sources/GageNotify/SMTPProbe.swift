import CCurl
import Foundation
import GagePayments

extension SMTPMailer {
    /// Reaches the mail server without sending anything: libcurl's connect-only SMTP session connects, reads the
    /// greeting, says EHLO, starts TLS where `send` would require it, and logs in with the URL's credentials —
    /// everything a delivery does before MAIL FROM. `gage doctor` uses it.
    public func probe() throws(DeliveryError) {
        guard let handle = curl_easy_init() else { throw DeliveryError(message: "libcurl could not start", permanent: false) }
        defer { curl_easy_cleanup(handle) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        _ = gage_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = gage_curl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1)
        configureSession(handle, errorBuffer: errorBuffer)
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            throw DeliveryError(message: "SMTP: \(detail)", permanent: code == CURLE_LOGIN_DENIED)
        }
    }
}

extension MailMessage {
    /// A plain test message (`gage doctor --send-test`).
    public static func test(from: String, to: String, subject: String, text: String, id: String) -> MailMessage {
        MailMessage(from: from, to: to, toName: nil, replyTo: nil, subject: subject, text: text, html: nil,
                    messageID: id, date: Date())
    }
}

/// What `gage doctor --send-test` sends: one chat line.
public enum ChatTest {
    /// Posts one line to a Slack- or Discord-compatible incoming webhook.
    public static func post(_ line: String, to url: String) throws(DeliveryError) { try ChatWebhook(url: url).post(line) }
}

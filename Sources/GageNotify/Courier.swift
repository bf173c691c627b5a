import Foundation
import GageCore
import GageLedger
import GagePayments

/// Delivers what the outbox holds: after the verify function's answer is out, and from `gage orders notify`
/// (cron). Each notification is claimed before it is sent and marked after, so two couriers never send one
/// notification, and a courier killed mid-send leaves it to be sent once more after the lease.
public struct Courier {
    public var settings: NotifySettings
    public var ledger: Ledger
    /// Seconds a claim holds before another courier may take the notification over.
    public var lease = 600
    public var log = Log(enabled: true)

    /// Waits before the 2nd, 3rd, … try; after the last, the notification is given up on (and `gage orders`
    /// says so).
    public static let retryDelays = [60, 300, 1800, 7200, 21_600, 43_200, 86_400]
    public static var maximumAttempts: Int { retryDelays.count + 1 }

    public struct Report: Sendable, Equatable {
        public var sent = 0
        /// Failed this time; will be tried again.
        public var retrying = 0
        public var gaveUp = 0
        /// Failures in words, one per notification (no passwords, no buyer data).
        public var problems: [String] = []
    }

    public init(settings: NotifySettings, ledger: Ledger) {
        self.settings = settings
        self.ledger = ledger
    }

    /// The channels this courier can deliver on now: e-mail needs a server, chat a webhook.
    var channels: [OutgoingNotification.Channel] {
        (settings.smtpURL != nil && settings.mailFrom != nil ? [.email] : []) + (settings.chatWebhook != nil ? [.chat] : [])
    }

    /// Delivers every notification due at `now` (only `impUID`'s, when given; also those waiting for a later
    /// try when `ignoringBackoff`). One is claimed at a time, so a crash strands at most one.
    public func deliver(impUID: String? = nil, now: Int = Int(Date().timeIntervalSince1970),
                        ignoringBackoff: Bool = false) throws(LedgerError) -> Report {
        var report = Report()
        guard !channels.isEmpty else { return report }
        var tried: Set<Int> = []
        while true {
            let batch = try ledger.claimDue(at: now, lease: lease, impUID: impUID, channels: channels,
                                            ignoringBackoff: ignoringBackoff, excluding: tried, limit: 1)
            if batch.isEmpty { break }
            for notification in batch {
                tried.insert(notification.id)
                do {
                    try send(notification)
                    try ledger.markSent(notification.id, at: Int(Date().timeIntervalSince1970))
                    report.sent += 1
                } catch let failure as DeliveryError {
                    let giveUp = failure.permanent || notification.attempts >= Self.maximumAttempts
                    let retryAt = giveUp ? nil : now + Self.retryDelays[min(notification.attempts, Self.retryDelays.count) - 1]
                    try ledger.markFailed(notification.id, error: String(failure.message.prefix(300)), retryAt: retryAt)
                    if giveUp { report.gaveUp += 1 } else { report.retrying += 1 }
                    report.problems.append("\(notification.message.kind) (\(notification.message.channel.rawValue)): \(failure.message)")
                    log.error("notification \(notification.id) \(notification.message.kind) not delivered"
                              + (giveUp ? ", given up: " : ", will retry: ") + failure.message)
                } catch let error as LedgerError {
                    throw error
                } catch {
                    throw LedgerError(message: "\(error)")
                }
            }
            // A notification failing now is due later (or, ignoring backoff, already tried): this ends.
        }
        return report
    }

    func send(_ notification: StoredNotification) throws(DeliveryError) {
        let message = notification.message.filledIn
        switch message.channel {
        case .email:
            guard let url = settings.smtpURL, let from = settings.mailFrom else {
                throw DeliveryError(message: "no mail server (GAGE_SMTP_URL)", permanent: false)
            }
            let domain = MailAddress.address(in: from).map { String($0.split(separator: "@").last ?? "gage") } ?? "gage"
            // Replies reach the seller, not the sending address (often a no-reply box of the mail provider).
            try SMTPMailer(url: url).send(MailMessage(
                from: from, to: message.recipient, toName: nil, replyTo: settings.sellerEmail ?? from, subject: message.subject,
                text: message.text, html: message.html,
                messageID: "\(message.dedupeKey.replacingOccurrences(of: ":", with: "."))@\(domain)",
                date: Date(timeIntervalSince1970: TimeInterval(notification.createdAt))))
        case .chat:
            guard let url = settings.chatWebhook else {
                throw DeliveryError(message: "no chat webhook (GAGE_NOTIFY_WEBHOOK)", permanent: false)
            }
            try ChatWebhook(url: url).post(message.text)
        }
    }
}

/// A Slack- or Discord-compatible incoming webhook: one JSON POST carrying the line as Slack's `text` and
/// Discord's `content` (each ignores the other's field).
struct ChatWebhook {
    var url: String

    func post(_ line: String) throws(DeliveryError) {
        // The line holds text a buyer typed (the order's name): it reaches the seller as text, never as a mention
        // (`<!channel>`, `@everyone`), a disguised link (`<https://…|쿠폰>`, `[쿠폰](https://…)`) or markup.
        let body = (try? JSONSerialization.data(withJSONObject: [
            "text": ChatText.slack(line), "content": ChatText.discord(line),
            "allowed_mentions": ["parse": [String]()],
        ] as [String: Any])) ?? Data()
        let response: HTTPResponse
        do {
            response = try CurlHTTPClient(totalTimeout: .seconds(10))
                .send(method: "POST", url: url, headers: ["Content-Type: application/json"], body: Array(body))
        } catch {
            throw DeliveryError(message: "chat webhook: \(error.message)", permanent: false)
        }
        guard (200..<300).contains(response.status) else {
            // 4xx (but 429): the webhook was deleted or the message refused; retrying will not help.
            throw DeliveryError(message: "chat webhook answered HTTP \(response.status)",
                                permanent: (400..<500).contains(response.status) && response.status != 429)
        }
    }
}

/// Buyer-typed text made inert for each chat service, as their documentation says to escape it.
enum ChatText {
    /// Slack: `&`, `<` and `>` as entities — every Slack control sequence (`<!channel>`, `<@U…>`, `<url|text>`)
    /// starts with `<`. Control characters and line breaks become spaces.
    static func slack(_ line: String) -> String {
        var result = ""
        for scalar in line.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.unicodeScalars.append(isControl(scalar) ? " " : scalar)
            }
        }
        return result
    }

    /// Discord: markdown and mention syntax backslash-escaped (`\[`, `\<`, `\*`, …), and a zero-width space after
    /// `@`, so `@everyone` and `@here` stay text even where `allowed_mentions` is not honoured.
    static func discord(_ line: String) -> String {
        var result = ""
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\\", "*", "_", "~", "`", "|", "<", ">", "[", "]", "(", ")":
                result += "\\" + String(scalar)
            case "@": result += "@\u{200B}"
            default: result.unicodeScalars.append(isControl(scalar) ? " " : scalar)
            }
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            || [0x2028, 0x2029, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x202A, 0x202B, 0x202C, 0x202D]
                .contains(scalar.value)
    }
}

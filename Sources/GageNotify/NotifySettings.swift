import GageCore
import GagePayments

/// How notifications leave (SPEC §3, wave 2): `GAGE_SMTP_URL`, `GAGE_MAIL_FROM`, `GAGE_SELLER_EMAIL`,
/// `GAGE_NOTIFY_WEBHOOK`, and where the e-mail templates are (`GAGE_EMAILS`, default `emails.json` beside
/// `GAGE_CATALOG`). Each channel is on only when its settings are complete and valid; a problem is reported, and
/// never stops a payment decision.
public struct NotifySettings: Sendable {
    /// `smtps://user:pass@host:465` or `smtp://host:587` (STARTTLS is required unless the host is loopback).
    public var smtpURL: String?
    /// The From address, `온기 로스터리 <shop@example.kr>` or a bare address.
    public var mailFrom: String?
    public var sellerEmail: String?
    public var chatWebhook: String?
    public var emailsPath: String?
    /// `GAGE_CATALOG`, whose `base_url` links the e-mails when there is no `emails.json`.
    public var catalogPath: String?
    /// What is wrong with the settings, in words for the seller's log (never a password).
    public var problems: [String] = []

    /// E-mails are written to the outbox when there is someone to send them as. Without a server they wait there
    /// (`gage serve --sandbox` shows them at /__sandbox/mail; `gage orders notify` sends them once one is set).
    public var emailEnabled: Bool { mailFrom != nil }
    public var chatEnabled: Bool { chatWebhook != nil }

    public init(smtpURL: String? = nil, mailFrom: String? = nil, sellerEmail: String? = nil, chatWebhook: String? = nil,
                emailsPath: String? = nil) {
        self.smtpURL = smtpURL
        self.mailFrom = mailFrom
        self.sellerEmail = sellerEmail
        self.chatWebhook = chatWebhook
        self.emailsPath = emailsPath
    }

    public init(values: [String: String]) {
        func value(_ name: String) -> String? {
            values[name].map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let url = value("GAGE_SMTP_URL") {
            let lower = url.lowercased()
            if lower.hasPrefix("smtps://") || lower.hasPrefix("smtp://") {
                smtpURL = url
            } else {
                problems.append("GAGE_SMTP_URL must start with smtps:// or smtp://; e-mail is not sent")
            }
        }
        if let from = value("GAGE_MAIL_FROM") {
            if MailAddress.address(in: from) != nil { mailFrom = from } else {
                problems.append("GAGE_MAIL_FROM is not an e-mail address; e-mail is off")
            }
        }
        if let seller = value("GAGE_SELLER_EMAIL") {
            if MailAddress.address(in: seller) != nil { sellerEmail = seller } else {
                problems.append("GAGE_SELLER_EMAIL is not an e-mail address; the seller gets no e-mail")
            }
        }
        if let hook = value("GAGE_NOTIFY_WEBHOOK") {
            if hook.hasPrefix("https://") || (hook.hasPrefix("http://") && Configuration.isLoopback(hook)) {
                chatWebhook = hook
            } else {
                problems.append("GAGE_NOTIFY_WEBHOOK must be an https:// URL; chat messages are off")
            }
        }
        catalogPath = value("GAGE_CATALOG")
        if let path = value("GAGE_EMAILS") {
            emailsPath = path
        } else if let catalog = value("GAGE_CATALOG") {
            emailsPath = (catalog.lastIndex(of: "/").map { String(catalog[...$0]) } ?? "") + "emails.json"
        }
    }
}

/// E-mail addresses as the settings and payments carry them.
public enum MailAddress {
    /// `온기 <shop@example.kr>` → `shop@example.kr`; a bare address as it is; nil when it is not one (no `@`,
    /// spaces or line breaks inside, which could smuggle headers).
    public static func address(in text: String) -> String? {
        var candidate = text.trimmingWhitespace()
        if let open = candidate.lastIndex(of: "<"), candidate.hasSuffix(">") {
            candidate = String(candidate[candidate.index(after: open)..<candidate.index(before: candidate.endIndex)])
        }
        let parts = candidate.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasSuffix("."),
              !candidate.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" || $0 == "\"" })
        else { return nil }
        return candidate
    }

    /// The display name of `온기 로스터리 <shop@example.kr>`, if any.
    static func displayName(in text: String) -> String? {
        guard let open = text.lastIndex(of: "<") else { return nil }
        var name = Substring(text[..<open].trimmingWhitespace())
        while name.first == "\"" { name = name.dropFirst() }
        while name.last == "\"" { name = name.dropLast() }
        return name.isEmpty ? nil : String(name)
    }
}

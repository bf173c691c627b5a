import Foundation
import GageLedger

/// `/__sandbox/mail`: the e-mails the sandbox's verify function would have sent. It runs without a mail server,
/// so every notification stays in the sandbox ledger's outbox, rendered exactly as it would go out.
enum SandboxMail {
    /// Addresses in the reserved `.invalid` domain: nothing can ever be delivered to them.
    static let from = "Gage 샌드박스 <shop@sandbox.invalid>"
    static let seller = "seller@sandbox.invalid"

    static func notifications(ledgerPath: String) -> [StoredNotification] {
        guard FileManager.default.fileExists(atPath: ledgerPath),
              let ledger = try? Ledger(path: ledgerPath),
              let all = try? ledger.notifications() else { return [] }
        return all.reversed()
    }

    static func messages(ledgerPath: String) -> [[String: Any]] {
        notifications(ledgerPath: ledgerPath).map { notification in
            let message = notification.message.filledIn
            return ["id": notification.id, "imp_uid": message.impUID, "kind": message.kind,
                    "channel": message.channel.rawValue, "to": message.recipient, "subject": message.subject,
                    "text": message.text, "html": message.html ?? "", "created_at": notification.createdAt]
        }
    }

    static func page(ledgerPath: String) -> String {
        let notifications = notifications(ledgerPath: ledgerPath)
        var body = ""
        if notifications.isEmpty {
            body = "<p>아직 보낼 메일이 없습니다. 가게에서 테스트 결제를 해 보세요.</p>"
        }
        for notification in notifications {
            // As it would be sent: a subscription's manage link with its token (the sandbox sends nothing).
            let message = notification.message.filledIn
            let time = Date(timeIntervalSince1970: TimeInterval(notification.createdAt)).formatted(date: .abbreviated, time: .standard)
            body += """
                <article class="mail" data-mail="\(escape(message.kind))">
                  <h2>\(escape(message.subject))</h2>
                  <p class="meta">받는 곳 <strong>\(escape(message.channel == .chat ? "채팅 웹훅" : message.recipient))</strong>
                    · \(escape(message.kind)) · \(escape(message.impUID)) · \(escape(time))</p>
                  \(message.html.map { "<iframe sandbox title=\"\(escape(message.subject))\" srcdoc=\"\(escape($0))\"></iframe>" } ?? "")
                  <details><summary>텍스트</summary><pre>\(escape(message.text))</pre></details>
                </article>

                """
        }
        return """
            <!doctype html>
            <html lang="ko">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>보낼 메일 — Gage 샌드박스</title>
            <style>
              body { font-family: system-ui, -apple-system, "Apple SD Gothic Neo", sans-serif; margin: 0; color: #1d1d1f; }
              header, main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; }
              header { border-bottom: 4px solid #e0a800; }
              .mail { border: 1px solid #ddd; border-radius: 8px; padding: .75rem 1rem; margin: 1rem 0; }
              .mail h2 { font-size: 1.05rem; margin: .25rem 0; }
              .meta { color: #555; font-size: .9rem; margin: 0 0 .5rem; }
              iframe { width: 100%; height: 32rem; border: 1px solid #eee; border-radius: 6px; }
              pre { white-space: pre-wrap; background: #f6f6f4; padding: .75rem; border-radius: 6px; }
            </style>
            </head>
            <body>
            <header>
              <h1>보낼 메일</h1>
              <p>샌드박스는 메일을 보내지 않습니다. 실제 가게에서 GAGE_SMTP_URL 을 설정하면 아래 메일이 구매자와 판매자에게 갑니다.
                <a href="/__sandbox/">샌드박스</a> · <a href="/">가게로 돌아가기</a></p>
            </header>
            <main>
            \(body)
            </main>
            </body>
            </html>
            """
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

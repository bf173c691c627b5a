import ArgumentParser
import Foundation
import Glibc
import GageCore
import GageLedger
import GageNotify
import GagePayments

struct Orders: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and manage the order ledger that gage-verify keeps (GAGE_LEDGER).",
        subcommands: [OrdersList.self, OrdersShow.self, OrdersExport.self, OrdersShip.self, OrdersRefund.self,
                      OrdersDecline.self, OrdersNotify.self, OrdersReconcile.self, OrdersMigrate.self])
}

struct LedgerOption: ParsableArguments {
    @Option(help: "The ledger: an SQLite file or a postgres:// URL (default: $GAGE_LEDGER).")
    var ledger: String?

    /// Where the ledger is, from --ledger or GAGE_LEDGER.
    func location() throws -> LedgerLocation {
        guard let name = ledger ?? ProcessInfo.processInfo.environment["GAGE_LEDGER"], !name.isEmpty else {
            throw ValidationError(Say.text(ko: "주문 원장이 없습니다: --ledger 경로|URL 을 주거나 GAGE_LEDGER 를 설정하세요",
                                           en: "no ledger: pass --ledger PATH|URL or set GAGE_LEDGER"))
        }
        do {
            return try LedgerLocation(name)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Opens the ledger, bringing its schema up to date if gage-verify has not yet (an empty file or database).
    func open() throws -> Ledger {
        let location = try location()
        if case let .sqlite(path) = location, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError(Say.text(ko: "\(path) 이(가) 없습니다 (gage-verify 가 첫 결제 때 만듭니다)",
                                           en: "\(path) does not exist (gage-verify creates it on its first decision)"))
        }
        do {
            return try Ledger(location: location)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

/// `2026-11-22` (Korean time, or UTC under `--utc`) → Unix seconds.
func parseDate(_ text: String) throws -> Int {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = OrderText.zone.timeZone
    for format in ["yyyy-MM-dd", "yyyy-MM-dd HH:mm"] {
        formatter.dateFormat = format
        if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
    }
    throw ValidationError("'\(text)' is not a date; write 2026-11-22")
}

struct OrdersList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Orders, newest first.")

    @OptionGroup var ledger: LedgerOption

    @Option(help: "Only this status: paid, awaiting_deposit, rejected, unpaid, failed, cancelled.")
    var status: String?

    @Option(help: "Only orders from this date on (YYYY-MM-DD, Korean time unless --utc).")
    var since: String?

    @Flag(help: "Only paid orders not yet shipped.")
    var toShip = false

    @Flag(help: "Only orders with a buyer's open return or cancel request (until refunded or declined).")
    var requests = false

    @Flag(help: "JSON for scripts instead of a table.")
    var json = false

    @OptionGroup var zone: TimeZoneOption

    func run() throws {
        zone.apply()
        let book = try ledger.open()
        var orders = try book.orders(status: toShip ? "paid" : status, since: try since.map(parseDate))
        if toShip { orders = orders.filter(\.awaitsShipping) }
        let open = Dictionary(grouping: try book.requests(), by: \.impUID)
        if requests { orders = orders.filter { open[$0.impUID] != nil } }
        let refunds = Dictionary(grouping: try book.refunds(), by: \.impUID)
        if json {
            print(try OrderJSON.encode(try orders.map { order in
                try OrderJSON(order, refunds: refunds[order.impUID] ?? [], requests: book.requests(impUID: order.impUID))
            }))
            return
        }
        if requests {
            guard !orders.isEmpty else {
                print("열린 반품·취소 요청이 없습니다.")
                return
            }
            let rows = orders.flatMap { order in
                (open[order.impUID] ?? []).map { request in
                    [OrderText.time(request.createdAt), order.merchantUID, order.impUID,
                     request.kind == .return ? "반품" : "취소", OrderText.won(order.amount - order.cancelledAmount),
                     OrderText.visible(request.reason ?? "")]
                }
            }
            print(Table(header: ["요청 일시", "주문번호", "결제 id", "요청", "남은 금액", "사유"], rightAligned: [4], rows: rows).render())
            print("\n환불: gage orders refund 결제id --reason … · 거절: gage orders decline 결제id --reason …")
            return
        }
        guard !orders.isEmpty else {
            print("주문이 없습니다.")
            return
        }
        let rows = orders.map { order in
            [OrderText.time(order.createdAt), order.merchantUID,
             OrderText.status(order) + OrderText.refundMark(refunds[order.impUID] ?? [], requests: open[order.impUID] ?? []),
             OrderText.won(order.amount),
             OrderText.items(order), order.buyer.name ?? "", OrderText.shipping(order)]
        }
        print(Table(header: ["주문 일시", "주문번호", "상태", "금액", "상품", "주문자", "배송"],
                    rightAligned: [3], rows: rows).render())
        let paid = orders.filter { $0.status == "paid" }
        let kept = paid.reduce(0) { $0 + $1.amount - $1.cancelledAmount }
        print("\n\(orders.count)건 · 결제완료 \(paid.count)건 \(OrderText.won(kept))")
        let refunded = orders.compactMap { refunds[$0.impUID] }.flatMap { $0 }
        let done = refunded.filter { $0.state == .done }
        if !done.isEmpty {
            print("환불 \(done.count)건 \(OrderText.won(done.reduce(0) { $0 + $1.amount }))")
        }
        let inFlight = refunded.filter { $0.state == .intended }
        if !inFlight.isEmpty {
            print("결과를 아직 모르는 환불 \(inFlight.count)건: gage orders reconcile 이 PG의 기록으로 마무리합니다.")
        }
        if !open.isEmpty { print("열린 반품·취소 요청 \(open.count)건: gage orders list --requests") }
        let owed = orders.filter { $0.refundState == .pending || $0.refundState == .manual }
        if !owed.isEmpty {
            print("환불이 끝나지 않은 주문 \(owed.count)건: gage orders show 주문번호 로 확인하세요.")
        }
        let unshipped = try book.orders(status: "paid").filter(\.awaitsShipping)
        if !unshipped.isEmpty {
            print("발송할 주문 \(unshipped.count)건: gage orders list --to-ship")
        }
        for line in try OrderText.outboxSummary(book) { print(line) }
    }
}

struct OrdersShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One order, with its history.")

    @Argument(help: "The order: its 주문번호 (merchant_uid) or the provider's payment id (imp_uid).")
    var reference: String

    @OptionGroup var ledger: LedgerOption
    @OptionGroup var zone: TimeZoneOption

    func run() throws {
        zone.apply()
        let book = try ledger.open()
        let order = try OrderReference.find(reference, in: book)
        let impUID = order.impUID
        var lines: [(String, String)] = [
            ("imp_uid", order.impUID), ("주문번호", order.merchantUID), ("상태", OrderText.status(order)),
            ("금액", OrderText.won(order.amount) + " " + order.currency), ("주문명", order.name ?? ""),
            ("주문 일시", OrderText.time(order.createdAt)),
        ]
        if let reason = order.reason { lines.append(("사유", reason)) }
        if order.cancelledAmount > 0 { lines.append(("취소 금액", OrderText.won(order.cancelledAmount))) }
        switch order.refundState {
        case .pending?: lines.append(("환불", "대기 중 — 다음 확인 때 다시 시도합니다" + (order.actionNote.map { " (\($0))" } ?? "")))
        case .manual?: lines.append(("환불", "판매자가 직접 환불해야 합니다: 입금된 가상계좌는 구매자의 환불 계좌가 필요합니다 (PortOne 콘솔)"))
        case .done?: lines.append(("환불", "완료"))
        case nil: break
        }
        if order.revokeState == .pending {
            lines.append(("가상계좌", "발급 취소 대기 중" + (order.actionNote.map { " (\($0))" } ?? "")))
        }
        for item in order.items {
            let options = item.options.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            lines.append(("상품", "\(item.title) [\(item.sku)]\(options.isEmpty ? "" : " (\(options))") × \(item.quantity)  \(OrderText.won(item.price * item.quantity))"
                                + (item.discount > 0 ? " − 할인 \(OrderText.won(item.discount))" : "") + (item.taxFree ? " (면세)" : "")))
        }
        if let effects = order.pricing {
            if let code = effects.discountCode { lines.append(("할인 코드", "\(code) · \(OrderText.won(effects.discount))")) }
            if effects.surcharge > 0 { lines.append(("추가 배송비", OrderText.won(effects.surcharge) + " (제주/도서산간)")) }
            if effects.taxFree > 0 { lines.append(("면세", OrderText.won(effects.taxFree))) }
        }
        if let identity = order.identity {
            lines.append(("성인인증", "확인됨 · \(identity.provider ?? "본인인증") \(identity.certification) · "
                                    + OrderText.time(identity.certifiedAt)))
        }
        if let vbank = order.vbank {
            lines.append(("가상계좌", "\(vbank.bank) \(vbank.number)" + (vbank.due.map { " (기한 \(OrderText.time($0)))" } ?? "")))
        }
        let buyer = order.buyer
        lines += [("주문자", buyer.name ?? ""), ("연락처", buyer.tel ?? ""), ("이메일", buyer.email ?? ""),
                  ("배송지", [buyer.postcode.map { "(\($0))" }, buyer.addr].compactMap { $0 }.joined(separator: " "))]
        lines.append(("배송", order.shippedAt.map { shipped in
            "발송 \(OrderText.time(shipped))" + (order.carrier.map { " · \(Carrier.named($0)?.name ?? $0)" } ?? "")
                + (order.tracking.map { " · 송장 \($0)" } ?? "")
        } ?? (order.status == "paid" ? "미발송" : "")))
        if order.escrow { lines.append(("에스크로", "구매안전서비스 결제 (발송 시 송장이 PG에 등록됩니다)")) }
        for shipment in try book.shipments(impUID) {
            lines.append(("교환 발송", OrderText.time(shipment.shippedAt)
                          + (shipment.carrier.map { " · \(Carrier.named($0)?.name ?? $0)" } ?? "")
                          + (shipment.tracking.map { " · 송장 \($0)" } ?? "")))
        }
        for refund in try book.refunds(impUID) { lines.append(("환불 #\(refund.id)", OrderText.refundLine(refund))) }
        for request in try book.requests(impUID: impUID) {
            lines.append((request.kind == .return ? "반품 요청" : "취소 요청", OrderText.requestLine(request)))
        }
        let width = lines.map { Table.displayWidth($0.0) }.max() ?? 0
        for (label, value) in lines { print(Table.pad(label, to: width) + "  " + TerminalText.visible(value)) }
        print("\n기록")
        let history = try book.history(impUID).map { event in
            [OrderText.time(event.at), event.channel, event.iamportStatus, event.decision,
             OrderText.visible(event.reason ?? "")]
        }
        print(Table(header: ["일시", "경로", "Iamport", "결정", "사유"], rightAligned: [], rows: history).render())
        let notifications = try book.notifications(impUID: impUID)
        if !notifications.isEmpty {
            print("\n알림")
            print(Table(header: ["일시", "알림", "받는 곳", "상태"], rightAligned: [], rows: notifications.map { notification in
                [OrderText.time(notification.createdAt), OrderText.notificationName(notification.message.kind),
                 notification.message.channel == .chat ? "채팅" : notification.message.recipient,
                 OrderText.delivery(notification)]
            }).render())
        }
    }
}

struct OrdersExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Orders as CSV (UTF-8 with BOM, so Excel shows Korean correctly).")

    @Flag(help: "CSV (the only format).")
    var csv = false

    @Argument(help: "The file to write (default: standard output).")
    var file: String?

    @OptionGroup var ledger: LedgerOption

    @Option(help: "Only this status.")
    var status: String?

    @OptionGroup var zone: TimeZoneOption

    func validate() throws {
        guard csv else { throw ValidationError("say --csv") }
    }

    func run() throws {
        zone.apply()
        let orders = try ledger.open().orders(status: status)
        var text = "\u{FEFF}" + CSV.row(["주문일시", "imp_uid", "주문번호", "상태", "금액", "취소금액", "통화", "상품", "사유",
                                         "환불", "주문자", "연락처", "이메일", "우편번호", "주소", "발송일시", "송장번호",
                                         "환불내역", "할인코드", "할인금액", "추가배송비", "과세금액", "공급가액", "부가세",
                                         "면세금액"])
        let refunds = Dictionary(grouping: try ledger.open().refunds(), by: \.impUID)
        for order in orders {
            text += CSV.row([OrderText.time(order.createdAt), order.impUID, order.merchantUID, order.status,
                             String(order.amount), String(order.cancelledAmount), order.currency,
                             OrderText.items(order, full: true), order.reason ?? "", OrderText.refund(order),
                             order.buyer.name ?? "", order.buyer.tel ?? "", order.buyer.email ?? "",
                             order.buyer.postcode ?? "", order.buyer.addr ?? "",
                             order.shippedAt.map(OrderText.time) ?? "", order.tracking ?? "",
                             (refunds[order.impUID] ?? []).map(OrderText.refundLine).joined(separator: "; ")]
                             + TaxSplit(order).cells)
        }
        if let file {
            try OwnerOnlyFile.write(Data(text.utf8), to: file)
            FileHandle.standardError.write(Data("\(orders.count) orders → \(file)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

struct OrdersReconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Ask Iamport for the shop's payments, record any the ledger missed, retry refunds still owed.",
        discussion: """
            Uses the verify function's settings: IAMPORT_API_KEY, IAMPORT_API_SECRET, IAMPORT_API_URL, GAGE_CATALOG. \
            A payment that cannot be checked is reported and the rest are still checked; the exit status is 1 then.
            """)

    @Option(help: "Check payments from this date on (YYYY-MM-DD; default: the last 30 days).")
    var since: String?

    @OptionGroup var ledger: LedgerOption

    func run() throws {
        var environment = ProcessInfo.processInfo.environment
        if let path = ledger.ledger { environment["GAGE_LEDGER"] = path }
        let from = try since.map(parseDate) ?? Int(Date().timeIntervalSince1970) - 30 * 86_400
        do {
            let configuration = try Configuration.load(environment: environment)
            let catalogFile = try configuration.loadCatalog()
            let settings = NotifySettings(values: try Configuration.settings(environment: environment))
            let notifier = Notifier(settings: settings, log: Log(enabled: false))
            let report = try Reconciler(configuration: configuration, catalogFile: catalogFile,
                                        log: Log(enabled: false), notifier: notifier).run(since: from)
            // What the changes owe goes out now; what cannot stays for gage orders notify.
            if !notifier.touchedOrders.isEmpty, let book = try? Ledger(location: configuration.ledger) {
                for impUID in notifier.touchedOrders.sorted() {
                    _ = try? Courier(settings: settings, ledger: book).deliver(impUID: impUID)
                }
            }
            for change in report.changes {
                print(TerminalText.visible("\(change.impUID)  \(change.merchantUID)  \(change.before ?? "(없음)") → \(change.after)  \(OrderText.won(change.amount))"))
            }
            for failure in report.failures {
                FileHandle.standardError.write(Data("\(failure.impUID): not checked: \(failure.problem)\n".utf8))
            }
            for change in report.subscriptionChanges { print("정기배송 \(change.id)  \(change.change)") }
            for failure in report.subscriptionFailures {
                FileHandle.standardError.write(Data("subscription \(failure.id): not brought up to date: \(failure.problem)\n".utf8))
            }
            print("\(report.checked)건 확인, \(report.changes.count)건 바뀜"
                  + (report.failures.isEmpty ? "." : ", \(report.failures.count)건 확인 실패 (다시 실행하세요)."))
            if !report.failures.isEmpty || !report.subscriptionFailures.isEmpty { throw ExitCode(1) }
        } catch let problem as Configuration.Problem {
            throw ValidationError(problem.description)
        } catch let error as ServiceError {
            FileHandle.standardError.write(Data("reconcile failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct OrdersMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the whole ledger into another, empty one — an SQLite file into PostgreSQL — and check the counts.",
        discussion: """
            Every order, item, decision in the history and catalog version is copied in one transaction, ids \
            included; the destination must be empty. Afterwards point GAGE_LEDGER on every host at the new ledger \
            and run `gage orders reconcile` against it: a payment decided in the old ledger while you switched is \
            asked of Iamport again and recorded. A password is best kept out of the URL (PGPASSWORD or ~/.pgpass); \
            one written in it is hidden from ps and never printed.
            """)

    @OptionGroup var ledger: LedgerOption

    @Option(help: "The empty ledger to copy into: postgres://USER@HOST:5432/DB (or an SQLite file).")
    var to: String

    func run() throws {
        let source = try ledger.open()
        do {
            let destination = try Ledger(location: try LedgerLocation(to))
            let counts = try source.copy(into: destination)
            print("\(source.location) → \(destination.location)")
            print(Table(header: ["table", "rows"], rightAligned: [1],
                        rows: counts.map { [$0.table, String($0.rows)] }).render())
            print("Counts match. Point GAGE_LEDGER at the new ledger on every host, then run gage orders reconcile.")
        } catch {
            throw ValidationError("migrate: \(error.message)")
        }
    }
}

// MARK: - Presentation

enum OrderText {
    static func won(_ amount: Int) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (amount < 0 ? "-" : "") + grouped + "원"
    }

    /// The zone times are printed in: Korean time unless the command was given `--utc`.
    nonisolated(unsafe) static var zone = PrintedZone.korea

    /// `2026-11-22 14:03 KST` (or `… UTC`): marked, so it never reads as the server's local time.
    static func time(_ seconds: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) + " " + zone.mark
    }

    static func status(_ order: LedgerOrder) -> String {
        switch order.status {
        case "paid": return order.cancelledAmount > 0 ? "결제완료(부분취소)" : "결제완료"
        case "awaiting_deposit": return "입금대기"
        case "rejected":
            switch order.refundState {
            case .done?: return "거절·환불"
            case .pending?: return "거절·환불대기"
            case .manual?: return "거절·수동환불필요"
            case nil: return "거절"
            }
        case "expired": return order.revokeState == .pending ? "기한만료·취소대기" : "기한만료"
        case "unpaid": return "미결제"
        case "failed": return "실패"
        case "cancelled": return "취소"
        default: return order.status
        }
    }

    /// The export's 환불 column: Y when refunded, 대기 while owed, 수동 when the seller must do it.
    static func refund(_ order: LedgerOrder) -> String {
        switch order.refundState {
        case .done?: return "Y"
        case .pending?: return "대기"
        case .manual?: return "수동"
        case nil: return ""
        }
    }

    /// `원두 [BEAN] (분쇄도: 에스프레소용)`.
    static func line(title: String, sku: String, options: [String: String]) -> String {
        let options = options.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return "\(title) [\(sku)]" + (options.isEmpty ? "" : " (\(options))")
    }

    /// One refund in a line: when, how much, which lines, who and why, and where it stands.
    static func refundLine(_ refund: LedgerRefund) -> String {
        let state: String
        switch refund.state {
        case .done: state = "완료"
        case .failed: state = "거절됨 (\(refund.note ?? ""))"
        case .intended: state = "결과 확인 중" + (refund.note.map { " (\($0))" } ?? "")
        }
        var text = "\(time(refund.createdAt)) \(won(refund.amount)) \(state)"
        if !refund.lines.isEmpty {
            text += " · " + refund.lines.map { "\($0.sku)×\($0.quantity)" }.joined(separator: ", ")
            if !refund.restock { text += " (재고 미복원)" }
        }
        if refund.deducted > 0 { text += " · 차감 \(won(refund.deducted))" }
        text += " · \(visible(refund.requestedBy)): \(visible(refund.reason))"
        if let cancellation = refund.providerCancellation { text += " · PG \(cancellation)" }
        return text
    }

    static func requestLine(_ request: OrderRequest) -> String {
        let state: String
        switch request.state {
        case .open: state = "열림"
        case .refunded: state = "환불됨"
        case .declined: state = "거절 (\(visible(request.answer ?? "")))"
        }
        return "\(time(request.createdAt)) \(state)" + (request.reason.map { " · 사유: \(visible($0))" } ?? "")
    }

    /// The list's mark beside the status: refunds made, a request open.
    static func refundMark(_ refunds: [LedgerRefund], requests: [OrderRequest]) -> String {
        var marks: [String] = []
        let done = refunds.filter { $0.state == .done }
        if !done.isEmpty { marks.append("환불 \(done.count)건") }
        if refunds.contains(where: { $0.state == .intended }) { marks.append("환불 확인 중") }
        if !requests.isEmpty { marks.append("요청") }
        return marks.isEmpty ? "" : " [" + marks.joined(separator: ", ") + "]"
    }

    /// Text someone typed, with control characters made visible so they cannot move the seller's terminal.
    static func visible(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> String in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined())
    }

    static func items(_ order: LedgerOrder, full: Bool = false) -> String {
        guard let first = order.items.first else { return order.name ?? "" }
        if full {
            return order.items.map { "\($0.title) × \($0.quantity)" }.joined(separator: "; ")
        }
        let more = order.items.count - 1
        let title = first.title.count > 16 ? String(first.title.prefix(15)) + "…" : first.title
        return more > 0 ? "\(title) 외 \(more)건" : "\(title) × \(first.quantity)"
    }
}

/// A plain-text table whose columns line up in a terminal, counting Hangul and other wide characters as two
/// columns.
struct Table {
    var header: [String]
    var rightAligned: Set<Int>
    var rows: [[String]]

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in
            all.map { Self.displayWidth(TerminalText.visible($0[column])) }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.map(TerminalText.visible).enumerated().map { column, cell in
                rightAligned.contains(column) ? Self.pad(cell, to: widths[column], right: true) : Self.pad(cell, to: widths[column])
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - displayWidth(text)))
        return right ? padding + text : text + padding
    }

    /// Terminal columns: East Asian wide and full-width characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA960...0xA97F,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6:
                return width + 2
            case 0x0300...0x036F, 0x200B...0x200F:
                return width
            default:
                return width + 1
            }
        }
    }
}

/// Text from the ledger as the seller's terminal shows it: a buyer typed some of it, so control characters (ESC
/// starting a terminal sequence, CR returning over a row, DEL, C1 codes) and the bidirectional overrides that
/// reorder a line are printed as visible escapes (`\x1B`, `\u{202E}`), never sent to the terminal.
enum TerminalText {
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isHidden) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if !isHidden(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar.value < 0x100 {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }
}

/// RFC 4180 rows: a field with a comma, quote or line break is quoted, quotes doubled; CRLF line ends. A field
/// a spreadsheet would run as a formula (a buyer named `=HYPERLINK(…)`) is neutralised with a leading `'`, as
/// OWASP advises; plain numbers such as `-3000` are left as they are.
enum CSV {
    static func row(_ fields: [String]) -> String {
        fields.map { field in
            let safe = neutralised(field)
            return safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }.joined(separator: ",") + "\r\n"
    }

    static func neutralised(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, "=+-@\t\r\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20}".unicodeScalars.contains(first)
        else { return field }
        if Int(field) != nil { return field }
        return "'" + field
    }
}

/// Files holding buyers' details are created readable by their owner only.
enum OwnerOnlyFile {
    static func write(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        _ = fchmod(descriptor, 0o600)
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else { throw ValidationError("cannot write \(path): the disk may be full") }
    }
}

/// `--json` rows: everything the seller needs, buyer details included (this is the seller's own terminal).
struct OrderJSON: Encodable {
    var impUID: String
    var merchantUID: String
    var status: String
    var amount: Int
    var currency: String
    var name: String?
    var items: [PricedItem]
    var reason: String?
    var refunded: Bool?
    /// `pending`, `manual` or `done` when a refund is owed.
    var refundState: String?
    var cancelledAmount: Int
    var buyer: LedgerOrder.Buyer
    var vbank: VirtualAccount?
    var createdAt: Int
    var shippedAt: Int?
    var carrier: String?
    var tracking: String?
    var escrow: Bool
    /// For an adult-only order: the certification that showed the buyer is an adult, and when it was made.
    var identity: Identity?
    /// Every refund Gage made or tried, oldest first.
    var refunds: [RefundJSON] = []
    /// The buyer's return and cancel requests.
    var requests: [RequestJSON] = []

    struct RequestJSON: Encodable {
        var kind: String
        var state: String
        var reason: String?
        var answer: String?
        var createdAt: Int
        var closedAt: Int?
        enum CodingKeys: String, CodingKey { case kind, state, reason, answer, createdAt = "created_at", closedAt = "closed_at" }
    }
    /// SPEC §11's effects: the code redeemed and what it saved, the regional surcharge, the tax-free part.
    var discountCode: String?
    var discount: Int?
    var surcharge: Int?
    var taxFree: Int?

    struct Identity: Encodable {
        var certification: String
        var provider: String?
        var certifiedAt: Int
        enum CodingKeys: String, CodingKey { case certification, provider, certifiedAt = "certified_at" }
    }

    enum CodingKeys: String, CodingKey {
        case impUID = "imp_uid", merchantUID = "merchant_uid", status, amount, currency, name, items, reason, refunded
        case refundState = "refund_state", cancelledAmount = "cancelled_amount"
        case buyer, vbank, createdAt = "created_at", shippedAt = "shipped_at", carrier, tracking, escrow, identity
        case discountCode = "discount_code", discount, surcharge, taxFree = "tax_free"
        case refunds, requests
    }

    init(_ order: LedgerOrder, refunds: [LedgerRefund], requests: [OrderRequest]) {
        self.init(order)
        self.refunds = refunds.map { RefundJSON($0) }
        self.requests = requests.map { RequestJSON(kind: $0.kind.rawValue, state: $0.state.rawValue, reason: $0.reason,
                                                   answer: $0.answer, createdAt: $0.createdAt, closedAt: $0.closedAt) }
    }

    init(_ order: LedgerOrder) {
        impUID = order.impUID
        merchantUID = order.merchantUID
        status = order.status
        amount = order.amount
        currency = order.currency
        name = order.name
        items = order.items
        reason = order.reason
        refunded = order.refunded
        refundState = order.refundState?.rawValue
        cancelledAmount = order.cancelledAmount
        buyer = order.buyer
        vbank = order.vbank
        createdAt = order.createdAt
        identity = order.identity.map { .init(certification: $0.certification, provider: $0.provider,
                                              certifiedAt: $0.certifiedAt) }
        shippedAt = order.shippedAt
        carrier = order.carrier
        tracking = order.tracking
        escrow = order.escrow
        discountCode = order.pricing?.discountCode
        discount = order.pricing?.discount
        surcharge = order.pricing?.surcharge
        taxFree = order.pricing?.taxFree
    }

    static func encode(_ orders: [OrderJSON]) throws -> String { try prettyJSON(orders) }
}

/// What `--json` prints: sorted keys, indented, slashes as they are.
func prettyJSON<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// An order's amount split for 부가세 신고: 면세 (the tax-free lines after their discount shares), and the rest
/// 과세, whose 부가세 is 1/11 rounded to the won (as PortOne works out `vat` when it is not given) and whose
/// 공급가액 is the rest. Of the amount as paid; a partial cancel is in its own column.
struct TaxSplit {
    var discountCode: String
    var discount: Int
    var surcharge: Int
    var taxable: Int
    var supply: Int
    var vat: Int
    var taxFree: Int

    init(_ order: LedgerOrder) {
        let effects = order.pricing ?? LedgerOrder.PricingEffects()
        let counted = order.status == "paid" || order.status == "awaiting_deposit"
        discountCode = effects.discountCode ?? ""
        discount = effects.discount
        surcharge = effects.surcharge
        taxFree = counted ? effects.taxFree : 0
        taxable = counted ? order.amount - taxFree : 0
        vat = (taxable * 10 + 55) / 110
        supply = taxable - vat
    }

    var cells: [String] {
        [discountCode, String(discount), String(surcharge), String(taxable), String(supply), String(vat), String(taxFree)]
    }
}

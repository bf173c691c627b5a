import ArgumentParser
import Foundation
import GageCore
import GageLedger
import GageNotify
import GagePayments

struct Subscriptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Subscriptions (정기배송) that gage-verify keeps in the order ledger.",
        subcommands: [SubscriptionsList.self, SubscriptionsShow.self, SubscriptionsCancel.self,
                      SubscriptionsResend.self])
}

struct SubscriptionsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Subscriptions, newest first.")

    @OptionGroup var ledger: LedgerOption
    @OptionGroup var zone: TimeZoneOption

    @Option(help: "Only this status: active, past_due, cancelled, declined, rejected, pending.")
    var status: String?

    @Flag(help: "JSON for scripts instead of a table.")
    var json = false

    func validate() throws {
        if let status, LedgerSubscription.Status(rawValue: status) == nil {
            throw ValidationError("unknown status '\(status)'; use "
                                  + LedgerSubscription.Status.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        zone.apply()
        let book = try ledger.open()
        let subscriptions = try book.subscriptions(statuses: status.flatMap(LedgerSubscription.Status.init).map { [$0] } ?? [])
        if json {
            print(try SubscriptionJSON.encode(subscriptions.map { SubscriptionJSON($0, orders: nil) }))
            return
        }
        guard !subscriptions.isEmpty else {
            print("정기배송이 없습니다.")
            return
        }
        let rows = subscriptions.map { subscription in
            [subscription.id, SubscriptionText.status(subscription), SubscriptionText.interval(subscription),
             OrderText.won(subscription.amount), SubscriptionText.items(subscription), subscription.buyer.name ?? "",
             OrderText.time(subscription.createdAt), SubscriptionText.next(subscription)]
        }
        print(Table(header: ["ID", "상태", "주기", "회당 금액", "상품", "구독자", "시작", "다음 결제"],
                    rightAligned: [3], rows: rows).render())
        let active = subscriptions.filter { $0.status == .active }
        print("\n\(subscriptions.count)건 · 진행 중 \(active.count)건")
        let stuck = subscriptions.filter { ($0.isLive && $0.status == .active && $0.scheduleState != .done) || $0.keyState == .pending }
        if !stuck.isEmpty {
            print("PortOne에 아직 반영되지 않은 정기배송 \(stuck.count)건: gage orders reconcile 로 다시 시도하세요.")
        }
    }
}

struct SubscriptionsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One subscription, with its charges.")

    @Argument(help: "The subscription's id.")
    var id: String

    @OptionGroup var ledger: LedgerOption
    @OptionGroup var zone: TimeZoneOption

    @Flag(help: "JSON for scripts.")
    var json = false

    func run() throws {
        zone.apply()
        let book = try ledger.open()
        guard let subscription = try book.subscription(id: id) else { throw ValidationError("no subscription \(id) in the ledger") }
        let orders = try book.orders(subscriptionID: id)
        if json {
            print(try SubscriptionJSON.encode([SubscriptionJSON(subscription, orders: orders)]))
            return
        }
        var lines: [(String, String)] = [
            ("ID", subscription.id), ("상태", SubscriptionText.status(subscription)),
            ("주기", SubscriptionText.interval(subscription)),
            ("회당 금액", OrderText.won(subscription.amount) + " " + subscription.currency),
            ("시작", OrderText.time(subscription.createdAt)), ("다음 결제", SubscriptionText.next(subscription)),
            ("빌링키", subscription.customerUID + (subscription.keyState == .done ? " (삭제됨)" : "")),
        ]
        if let cancelled = subscription.cancelledAt { lines.append(("해지", OrderText.time(cancelled))) }
        if let reason = subscription.endedReason { lines.append(("종료 사유", reason)) }
        if let note = subscription.actionNote { lines.append(("PortOne", "다시 시도 대기 중 (\(note))")) }
        for item in subscription.items {
            let options = item.options.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            lines.append(("상품", "\(item.title) [\(item.sku)]\(options.isEmpty ? "" : " (\(options))") × \(item.quantity)"))
        }
        let buyer = subscription.buyer
        lines += [("구독자", buyer.name ?? ""), ("연락처", buyer.tel ?? ""), ("이메일", buyer.email ?? ""),
                  ("배송지", [buyer.postcode.map { "(\($0))" }, buyer.addr].compactMap { $0 }.joined(separator: " "))]
        let width = lines.map { Table.displayWidth($0.0) }.max() ?? 0
        for (label, value) in lines { print(Table.pad(label, to: width) + "  " + TerminalText.visible(value)) }
        print("\n결제")
        guard !orders.isEmpty else {
            print("(아직 없음)")
            return
        }
        print(Table(header: ["일시", "주문번호", "imp_uid", "상태", "금액", "배송"], rightAligned: [4], rows: orders.map { order in
            [OrderText.time(order.createdAt), order.merchantUID, order.impUID, OrderText.status(order),
             OrderText.won(order.amount), OrderText.shipping(order)]
        }).render())
    }
}

struct SubscriptionsCancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "End a subscription: nothing more is charged, its schedules are revoked and its billing key deleted.",
        discussion: """
            Uses the verify function's settings: IAMPORT_API_KEY, IAMPORT_API_SECRET, IAMPORT_API_URL, GAGE_CATALOG. \
            If PortOne cannot be reached the subscription still ends at once (no charge of it is accepted after \
            this moment) and `gage orders reconcile` revokes and deletes what is left.
            """)

    @Argument(help: "The subscription's id.")
    var id: String

    @OptionGroup var ledger: LedgerOption

    func run() throws {
        var environment = ProcessInfo.processInfo.environment
        if let path = ledger.ledger { environment["GAGE_LEDGER"] = path }
        do {
            let configuration = try Configuration.load(environment: environment)
            let settings = NotifySettings(values: try Configuration.settings(environment: environment))
            let notifier = Notifier(settings: settings, log: Log(enabled: false))
            let service = VerifyFunction.makeService(configuration: configuration, catalogFile: try configuration.loadCatalog(),
                                                     log: Log(enabled: false), notifier: notifier)
            guard let before = try Ledger(location: configuration.ledger).subscription(id: id) else {
                throw ValidationError("no subscription \(id) in the ledger")
            }
            guard let after = try service.cancelSubscription(id: id, by: .seller) else {
                throw ValidationError("no subscription \(id) in the ledger")
            }
            if let book = try? Ledger(location: configuration.ledger) {
                for key in notifier.touchedOrders.sorted() { _ = try? Courier(settings: settings, ledger: book).deliver(impUID: key) }
            }
            if before.status == after.status {
                print("\(id): 이미 \(SubscriptionText.status(after)) 상태입니다.")
            } else {
                print("\(id): \(SubscriptionText.status(before)) → \(SubscriptionText.status(after))")
            }
            if after.keyState == .pending {
                print("PortOne에서 빌링키를 아직 지우지 못했습니다 (\(after.actionNote ?? "")); gage orders reconcile 이 다시 시도합니다.")
            }
        } catch let problem as Configuration.Problem {
            throw ValidationError(problem.description)
        } catch let error as ServiceError {
            FileHandle.standardError.write(Data("cancel failed: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as LedgerError {
            throw ValidationError(error.message)
        }
    }
}

struct SubscriptionsResend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resend",
        abstract: "Mail the subscriber a new manage link (정기배송 관리 링크); the old link stops working at once.",
        discussion: """
            For a buyer who lost the link from the first order's mail or the order page. The ledger keeps only a \
            digest of each link's token, so the old link cannot be sent again: a new one is made, the old one opens \
            nothing from now on (like any unknown link), and the new one is mailed to the address the buyer \
            subscribed with, through GAGE_SMTP_URL and GAGE_MAIL_FROM as the verify function sends (a mail that \
            cannot go now waits for gage orders notify). The shop's address comes from emails.json beside \
            GAGE_CATALOG. Only an active subscription has a link to resend.
            """)

    @Argument(help: "The subscription's id, as gage subscriptions list shows it.")
    var id: String

    @OptionGroup var ledger: LedgerOption

    @Flag(help: ArgumentHelp("Also print the new link, e.g. to read it out to the buyer on the phone.",
                             discussion: "Anyone who has the link can cancel the subscription: keep it off shared screens and logs. With this flag a subscription without an e-mail address gets a new link too."))
    var printLink = false

    @Flag(help: "JSON for scripts.")
    var json = false

    struct Outcome: Encodable {
        var id: String
        var mailedTo: String?
        /// `sent`, `pending` (waits for gage orders notify) or `none` (not mailed).
        var mail: String
        var manageURL: String?

        enum CodingKeys: String, CodingKey {
            case id, mailedTo = "mailed_to", mail, manageURL = "manage_url"
        }
    }

    func run() throws {
        let book = try ledger.open()
        guard let subscription = try book.subscription(id: id) else { throw ValidationError("no subscription \(id) in the ledger") }
        try Self.check(subscription)
        let (settings, _) = try notifySettings(ledger: ledger)
        let email = subscription.buyer.email.flatMap(MailAddress.address(in:))
        guard printLink || (email != nil && settings.emailEnabled) else {
            throw ValidationError(email == nil
                ? "subscription \(id) has no e-mail address to send a link to; nothing changed "
                    + "(--print-link makes a new link and prints it, to give the buyer another way)"
                : "no mail is sent without GAGE_MAIL_FROM (and GAGE_SMTP_URL); nothing changed "
                    + "(--print-link makes a new link and prints it instead)")
        }
        guard let latest = try book.orders(subscriptionID: id).last else {
            throw ValidationError("subscription \(id) has no order yet; nothing changed")
        }
        let notifier = Notifier(settings: settings, log: Log(enabled: false))
        let token = ManageToken.make()
        let now = Int(Date().timeIntervalSince1970)
        let outcome = try book.replaceManageToken(subscriptionID: id, token: token, at: now) { current in
            email == nil ? [] : notifier.manageLinkNotifications(subscription: current, order: latest, token: token)
        }
        switch outcome {
        case .notFound: throw ValidationError("no subscription \(id) in the ledger")
        case let .notActive(current): try Self.check(current)
        case .replaced: break
        }
        var mail = "none"
        if email != nil, settings.emailEnabled {
            let report = try Courier(settings: settings, ledger: book).deliver(impUID: latest.impUID)
            let waiting = try book.notifications(impUID: latest.impUID, states: [.pending, .sending])
                .contains { $0.message.kind == "subscription_link" }
            mail = waiting ? "pending" : report.sent > 0 ? "sent" : "none"
        }
        let url = printLink ? ManageToken.manageURL(baseURL: notifier.shop?.baseURL ?? "/", token: token) : nil
        if json {
            print(try prettyJSON(Outcome(id: id, mailedTo: mail == "none" ? nil : email, mail: mail, manageURL: url)))
            return
        }
        print("\(id): 새 관리 링크를 만들었습니다. 예전 링크는 이제 열리지 않습니다.")
        switch mail {
        case "sent": print("\(email ?? "") 으로 새 링크를 보냈습니다.")
        case "pending": print("새 링크 메일은 아직 보내지 못했습니다: gage orders notify 가 다시 보냅니다.")
        default: print("새 링크를 메일로 보내지 않았습니다.")
        }
        if let url {
            print("관리 링크: \(url)")
            if !url.contains("://") {
                print("가게 주소를 몰라 링크 앞에 가게 주소(base_url)를 붙여 알려 주세요 (GAGE_CATALOG 또는 emails.json 을 찾지 못했습니다).")
            }
            print("이 링크를 아는 사람은 누구나 정기배송을 해지할 수 있습니다: 구매자에게만 알려 주세요.")
        }
    }

    /// Only an active subscription has a link worth sending: an ended one has nothing left to manage.
    static func check(_ subscription: LedgerSubscription) throws {
        switch subscription.status {
        case .active: return
        case .pending:
            throw ValidationError("subscription \(subscription.id)'s first charge is still being made; nothing changed")
        default:
            throw ValidationError("subscription \(subscription.id) has ended (\(SubscriptionText.status(subscription)), "
                                  + "\(subscription.status.rawValue)): there is no link to resend; nothing changed")
        }
    }
}

enum SubscriptionText {
    static func status(_ subscription: LedgerSubscription) -> String {
        switch subscription.status {
        case .pending: return "첫 결제 중"
        case .active: return subscription.attempt > 1 ? "진행 중(결제 재시도)" : "진행 중"
        case .pastDue: return "결제 실패로 중단"
        case .cancelled: return "해지"
        case .declined: return "카드 거절"
        case .rejected: return "거절·환불"
        }
    }

    static func interval(_ subscription: LedgerSubscription) -> String {
        SubscriptionInterval(subscription.interval)?.korean ?? subscription.interval
    }

    static func next(_ subscription: LedgerSubscription) -> String {
        guard subscription.isLive, let next = subscription.nextChargeAt else { return "" }
        return OrderText.time(next) + (subscription.scheduleState == .done ? "" : " (예약 대기)")
    }

    static func items(_ subscription: LedgerSubscription) -> String {
        guard let first = subscription.items.first else { return subscription.name ?? "" }
        let more = subscription.items.count > 1 ? " 외 \(subscription.items.count - 1)건" : ""
        return first.title + (first.quantity > 1 ? " ×\(first.quantity)" : "") + more
    }
}

struct SubscriptionJSON: Encodable {
    var id: String
    var status: String
    var interval: String
    var amount: Int
    var currency: String
    var name: String?
    var items: [PricedItem]
    var customerUID: String
    var buyer: LedgerOrder.Buyer
    var createdAt: Int
    var nextChargeAt: Int?
    var scheduled: Bool
    var cancelledAt: Int?
    var endedReason: String?
    var charges: [OrderJSON]?

    enum CodingKeys: String, CodingKey {
        case id, status, interval, amount, currency, name, items, customerUID = "customer_uid", buyer
        case createdAt = "created_at", nextChargeAt = "next_charge_at", scheduled, cancelledAt = "cancelled_at"
        case endedReason = "ended_reason", charges
    }

    init(_ subscription: LedgerSubscription, orders: [LedgerOrder]?) {
        id = subscription.id
        status = subscription.status.rawValue
        interval = subscription.interval
        amount = subscription.amount
        currency = subscription.currency
        name = subscription.name
        items = subscription.items
        customerUID = subscription.customerUID
        buyer = subscription.buyer
        createdAt = subscription.createdAt
        nextChargeAt = subscription.isLive ? subscription.nextChargeAt : nil
        scheduled = subscription.isLive && subscription.scheduleState == .done
        cancelledAt = subscription.cancelledAt
        endedReason = subscription.endedReason
        charges = orders?.map(OrderJSON.init)
    }

    static func encode(_ subscriptions: [SubscriptionJSON]) throws -> String { try prettyJSON(subscriptions) }
}

import ArgumentParser
import Foundation
import GageCore
import GageLedger
import GageNotify
import GagePayments

/// The notification settings as the verify function reads them: the environment over `GAGE_VERIFY_CONFIG`.
func notifySettings(ledger: LedgerOption) throws -> (NotifySettings, [String: String]) {
    var environment = ProcessInfo.processInfo.environment
    if let path = ledger.ledger { environment["GAGE_LEDGER"] = path }
    do {
        let values = try Configuration.settings(environment: environment)
        return (NotifySettings(values: values), values)
    } catch {
        throw ValidationError(error.description)
    }
}

struct OrdersShip: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ship",
        abstract: "Mark an order as shipped, e-mail the buyer the tracking link, register escrow deliveries.",
        discussion: """
            Carriers: \(Carrier.all.map { "\($0.code) (\($0.name))" }.joined(separator: ", ")). \
            For a payment made through escrow (구매안전서비스) the delivery is first registered with Iamport \
            (IAMPORT_API_KEY, IAMPORT_API_SECRET, GAGE_CATALOG as for the verify function); if that fails, nothing \
            is marked. The buyer's 발송 안내 goes out through GAGE_SMTP_URL, or waits for gage orders notify.
            """)

    @Argument(help: "The order: its 주문번호 (merchant_uid) or the provider's payment id (imp_uid).")
    var reference: String

    @Option(help: "The carrier: cj, hanjin, lotte, epost, logen, ….")
    var carrier: String?

    @Option(help: "The parcel's tracking number (송장번호).")
    var tracking: String?

    @Flag(help: "A second parcel for an exchange (교환) of a shipped order: recorded beside the first and mailed; no money moves.")
    var exchange = false

    @OptionGroup var ledger: LedgerOption

    func validate() throws {
        if let carrier, Carrier.named(carrier) == nil {
            throw ValidationError("unknown carrier '\(carrier)'; use one of \(Carrier.all.map(\.code).joined(separator: ", "))")
        }
        if let tracking, tracking.isEmpty || tracking.count > 40 || tracking.contains(where: \.isNewline) {
            throw ValidationError("--tracking must be the waybill number (up to 40 characters)")
        }
    }

    func run() throws {
        let book = try ledger.open()
        let order = try OrderReference.find(reference, in: book)
        let impUID = order.impUID
        guard order.status == "paid" else {
            throw ValidationError(Say.text(ko: "\(order.merchantUID) 은(는) 결제완료가 아니라 \(OrderText.status(order)) 상태입니다: 발송할 것이 없습니다",
                                           en: "\(order.merchantUID) is \(order.status), not paid: nothing to ship"))
        }
        if exchange { return try shipExchange(order, book: book) }
        let carrier = self.carrier.flatMap(Carrier.named)
        let (settings, values) = try notifySettings(ledger: ledger)
        if order.escrow {
            try registerEscrowDelivery(order, carrier: carrier, values: values, settings: settings)
        }
        let notifier = Notifier(settings: settings, log: Log(enabled: false))
        guard let shipped = try book.ship(order.impUID, carrier: carrier?.code, tracking: tracking,
                                          notifications: notifier.notifications(before:after:)) else {
            throw ValidationError("no order \(impUID) in the ledger")
        }
        print("\(order.merchantUID) 발송 처리" + (carrier.map { " · \($0.name)" } ?? "")
              + (tracking.map { " · 송장 \($0)" } ?? ""))
        if let tracking, let carrier { print("배송 조회: \(carrier.trackingLink(tracking))") }
        let report = try Courier(settings: settings, ledger: book).deliver(impUID: order.impUID)
        let owed = try book.notifications(impUID: order.impUID, states: [.pending]).filter { $0.message.kind == "shipped" }
        if report.sent > 0 {
            print("구매자에게 발송 안내를 보냈습니다.")
        } else if !owed.isEmpty {
            print("발송 안내는 아직 보내지 못했습니다: gage orders notify 가 다시 보냅니다.")
        } else if shipped.after.buyer.email == nil || !settings.emailEnabled {
            print("발송 안내 메일은 보내지 않습니다 (" + (settings.emailEnabled ? "구매자 이메일 없음" : "GAGE_MAIL_FROM 미설정") + ").")
        }
    }

    /// The exchange's parcel (교환): recorded beside the first shipment, and its tracking link mailed to the buyer.
    func shipExchange(_ order: LedgerOrder, book: Ledger) throws {
        guard order.shippedAt != nil else {
            throw ValidationError("\(order.merchantUID) was not shipped yet: ship it first (an exchange is a second parcel)")
        }
        guard let carrier = self.carrier.flatMap(Carrier.named), let tracking else {
            throw ValidationError("an exchange's parcel needs --carrier and --tracking")
        }
        let (settings, _) = try notifySettings(ledger: ledger)
        let notifier = Notifier(settings: settings, log: Log(enabled: false))
        let now = Int(Date().timeIntervalSince1970)
        try book.recordShipment(LedgerShipment(impUID: order.impUID, kind: "exchange", carrier: carrier.code,
                                               tracking: tracking, shippedAt: now),
                                notifications: notifier.notifications(.exchangeShipped(carrier: carrier.code,
                                                                                       tracking: tracking, at: now),
                                                                      order: order))
        print("\(order.merchantUID) 교환 발송 · \(carrier.name) · 송장 \(tracking)")
        print("배송 조회: \(carrier.trackingLink(tracking))")
        let report = try Courier(settings: settings, ledger: book).deliver(impUID: order.impUID)
        if report.sent > 0 { print("구매자에게 교환 발송 안내를 보냈습니다.") }
    }

    /// Registers the parcel with the PG through Iamport before anything is marked, so a failure can be retried.
    func registerEscrowDelivery(_ order: LedgerOrder, carrier: Carrier?, values: [String: String],
                                settings: NotifySettings) throws {
        guard let carrier, let tracking else {
            throw ValidationError(Say.text(
                ko: "\(order.merchantUID) 는 에스크로(구매안전서비스) 결제입니다: PG에 등록할 --carrier 와 --tracking 을 주세요",
                en: "\(order.merchantUID) was paid through escrow: give --carrier and --tracking, which are registered with the PG"))
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(environment: values)
        } catch {
            throw ValidationError("escrow delivery registration needs the verify function's settings: \(error.description)")
        }
        let shop = EmailBundle.load(emailsPath: settings.emailsPath)?.shop
        let sender = EscrowDelivery.Person(name: shop?.businessName ?? shop?.title ?? "", tel: shop?.phone ?? "",
                                           addr: shop?.address ?? "", postcode: shop?.postcode ?? "")
        // The PG refuses a sender without a postcode: say so before calling, in the seller's terms.
        guard !sender.postcode.isEmpty else {
            throw ValidationError(Say.text(
                ko: "에스크로 배송 등록에는 보내는 사람(가게)의 우편번호가 필요합니다: shop.yml 의 business: 에 "
                    + "postcode: \"04001\" 처럼 사업장 우편번호를 넣고, gage build 후 emails.json 을 함수 옆에 다시 배포한 뒤 "
                    + "다시 실행하세요. 아무것도 발송 처리하지 않았습니다.",
                en: "escrow delivery registration needs the sender's (the shop's) postcode: add postcode: \"04001\" under "
                    + "business: in shop.yml, run gage build, deploy emails.json beside the function again and rerun "
                    + "this. Nothing was marked shipped."))
        }
        let receiver = EscrowDelivery.Person(name: order.buyer.name ?? "", tel: order.buyer.tel ?? "",
                                             addr: order.buyer.addr ?? "", postcode: order.buyer.postcode ?? "")
        let delivery = EscrowDelivery(sender: sender, receiver: receiver,
                                      logis: .init(company: carrier.escrowCode, invoice: tracking,
                                                   sentAt: Int(Date().timeIntervalSince1970)))
        guard let iamport = configuration.iamport else {
            throw ValidationError("escrow delivery registration is a PortOne V1 call: set IAMPORT_API_KEY and IAMPORT_API_SECRET")
        }
        let client = IamportClient(baseURL: iamport.apiURL, key: iamport.key, secret: iamport.secret,
                                   http: CurlHTTPClient(totalTimeout: configuration.timeout),
                                   tokens: TokenCache(directory: configuration.cacheDirectory, apiURL: iamport.apiURL,
                                                      key: iamport.key, log: Log(enabled: false)))
        do {
            _ = try client.registerEscrowDelivery(impUID: order.impUID, delivery: delivery)
            print("에스크로 배송 등록: \(carrier.escrowCode) \(tracking)")
        } catch {
            let advice = ProviderAdvice.explain(error, call: .escrowDelivery, korean: Say.korean)
            FileHandle.standardError.write(Data((Say.text(ko: "에스크로 배송을 등록하지 못해 아무것도 발송 처리하지 않았습니다. ",
                                                          en: "escrow delivery not registered, nothing marked. ")
                                                 + advice + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

struct OrdersNotify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Deliver the e-mails and chat messages that could not be delivered yet (run it from cron).",
        discussion: """
            Uses GAGE_SMTP_URL, GAGE_MAIL_FROM, GAGE_SELLER_EMAIL and GAGE_NOTIFY_WEBHOOK (or GAGE_VERIFY_CONFIG). \
            A notification that fails waits 1 minute, 5 minutes, 30 minutes, 2, 6, 12 and 24 hours between tries, \
            then is given up on (gage orders list says so). Exits 1 when anything failed this time.
            """)

    @OptionGroup var ledger: LedgerOption

    @Flag(help: "Also send those waiting for a later try (after fixing the mail server or webhook).")
    var retryNow = false

    @Option(help: ArgumentHelp("Take over deliveries claimed this many seconds ago by a process that never finished.",
                               visibility: .hidden))
    var reclaimAfter = 600

    func run() throws {
        let book = try ledger.open()
        let (settings, _) = try notifySettings(ledger: ledger)
        for problem in settings.problems { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
        var courier = Courier(settings: settings, ledger: book)
        courier.lease = reclaimAfter
        courier.log = Log(enabled: false)
        let report = try courier.deliver(ignoringBackoff: retryNow)
        for problem in report.problems { FileHandle.standardError.write(Data("not delivered: \(problem)\n".utf8)) }
        var parts = ["보냄 \(report.sent)건"]
        if report.retrying > 0 { parts.append("다시 시도 예정 \(report.retrying)건") }
        if report.gaveUp > 0 { parts.append("포기 \(report.gaveUp)건") }
        print(parts.joined(separator: " · "))
        let waiting = try book.notifications(states: [.pending])
        let unsendable = waiting.filter { notification in
            notification.message.channel == .email ? settings.smtpURL == nil : settings.chatWebhook == nil
        }
        if !unsendable.isEmpty {
            print("보낼 방법이 없어 기다리는 알림 \(unsendable.count)건: GAGE_SMTP_URL 또는 GAGE_NOTIFY_WEBHOOK 을 설정하세요.")
        }
        let later = waiting.count - unsendable.count
        if later > 0 { print("나중에 다시 보낼 알림 \(later)건.") }
        if report.retrying + report.gaveUp > 0 || !unsendable.isEmpty { throw ExitCode(1) }
    }
}

extension LedgerOrder {
    /// Paid, not yet shipped, and not cancelled in full.
    var awaitsShipping: Bool { status == "paid" && shippedAt == nil && cancelledAmount < amount }
}

extension OrderText {
    static func shipping(_ order: LedgerOrder) -> String {
        if order.shippedAt != nil { return "발송" }
        return order.awaitsShipping ? "미발송" : ""
    }

    static func notificationName(_ kind: String) -> String {
        switch NotificationKind(rawValue: kind) {
        case .orderConfirmed?: return "주문 확인"
        case .vbankIssued?: return "입금 안내"
        case .depositReceived?: return "입금 확인"
        case .refunded?: return "환불 안내"
        case .shipped?: return "발송 안내"
        case .newOrder?: return "새 주문"
        case .refundPending?: return "환불 대기"
        case .vbankExpired?: return "입금 기한 만료"
        case .subscriptionSkipped?: return "정기배송 건너뜀"
        case .subscriptionStopped?: return "정기배송 중지"
        case .subscriptionLink?: return "정기배송 관리 링크"
        case .requestOpened?: return "반품·취소 요청"
        case .requestDeclined?: return "요청 거절"
        case .exchangeShipped?: return "교환 발송"
        case nil: return kind
        }
    }

    static func delivery(_ notification: StoredNotification) -> String {
        switch notification.state {
        case .sent: return "보냄" + (notification.sentAt.map { " \(time($0))" } ?? "")
        case .pending where notification.attempts == 0: return "대기"
        case .pending: return "재시도 대기 (\(notification.attempts)회 실패: \(notification.lastError ?? ""))"
        case .sending: return "보내는 중"
        case .failed: return "포기 (\(notification.attempts)회: \(notification.lastError ?? ""))"
        }
    }

    /// What `gage orders list` says about the outbox: notifications waiting and notifications given up on.
    static func outboxSummary(_ ledger: Ledger) throws -> [String] {
        var lines: [String] = []
        let waiting = try ledger.notifications(states: [.pending, .sending])
        if !waiting.isEmpty { lines.append("보내지 못한 알림 \(waiting.count)건: gage orders notify") }
        let failed = try ledger.notifications(states: [.failed])
        if !failed.isEmpty {
            let orders = Set(failed.map(\.message.impUID)).sorted()
            lines.append("포기한 알림 \(failed.count)건: gage orders show \(orders.first!)" + (orders.count > 1 ? " 외 \(orders.count - 1)건" : ""))
        }
        return lines
    }
}

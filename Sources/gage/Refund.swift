import ArgumentParser
import Foundation
import Glibc
import GageCore
import GageLedger
import GageNotify
import GagePayments

/// The verify function's service as the seller's commands use it: the shop's provider, the ledger, the notifier.
struct SellerService {
    var service: VerifyService
    var notifier: Notifier
    var settings: NotifySettings
    var ledger: Ledger

    static func load(_ option: LedgerOption) throws -> SellerService {
        var environment = ProcessInfo.processInfo.environment
        if let path = option.ledger { environment["GAGE_LEDGER"] = path }
        do {
            let configuration = try Configuration.load(environment: environment)
            let catalogFile = try configuration.loadCatalog()
            let settings = NotifySettings(values: try Configuration.settings(environment: environment))
            let notifier = Notifier(settings: settings, log: Log(enabled: false))
            let service = VerifyFunction.makeService(configuration: configuration, catalogFile: catalogFile,
                                                     log: Log(enabled: false), notifier: notifier)
            return SellerService(service: service, notifier: notifier, settings: settings,
                                 ledger: try Ledger(location: configuration.ledger))
        } catch let problem as Configuration.Problem {
            throw ValidationError(Say.text(ko: "환불은 검증 함수의 설정(GAGE_CATALOG, PG API 키)을 씁니다: ",
                                           en: "refunds use the verify function's settings (GAGE_CATALOG, the provider's API keys): ")
                                  + problem.description)
        } catch let error as LedgerError {
            throw ValidationError(error.message)
        }
    }

    /// Sends what the change owes now; what cannot be sent waits for gage orders notify.
    func deliver() {
        for impUID in notifier.touchedOrders.sorted() {
            _ = try? Courier(settings: settings, ledger: ledger).deliver(impUID: impUID)
        }
    }
}

struct OrdersRefund: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Give money back: all that is left, some lines, or an exact amount (through the provider).",
        discussion: """
            ORDER is the provider's payment id or the order number (merchant_uid). Without --item or --amount \
            everything left is refunded. --item SKU[:QTY] refunds those units at the price paid (options included); \
            --deduct keeps part of it (반품 배송비). The refunded units go back to stock unless --keep-stock. \
            The refund is written to the ledger before the provider is asked, so a run that is interrupted is \
            completed by the next run, a later look at the payment or gage orders reconcile — never made twice. \
            Uses the verify function's settings (GAGE_CATALOG, IAMPORT_API_KEY/SECRET or PORTONE_API_SECRET).
            """)

    @Argument(help: "The order: its payment id (imp_uid / paymentId) or its order number (merchant_uid).")
    var order: String

    @Option(name: .customLong("item"), help: ArgumentHelp("Refund these units: SKU, or SKU:QTY (repeatable).",
                                                         valueName: "SKU[:QTY]"))
    var items: [String] = []

    @Option(help: "Refund exactly this many won instead.")
    var amount: Int?

    @Option(help: "Keep this many won of the lines' value (반품 배송비).")
    var deduct: Int = 0

    @Flag(help: "Do not put the refunded units back in stock (damaged goods).")
    var keepStock = false

    @Option(help: "Why (the buyer sees it on the card statement and in the 환불 안내 mail).")
    var reason: String

    @Option(help: ArgumentHelp("For a deposited virtual account: the buyer's bank account.",
                               valueName: "BANK_CODE:NUMBER:HOLDER"))
    var refundAccount: String?

    @Flag(help: "Refund without asking for confirmation.")
    var yes = false

    @Flag(help: "JSON for scripts.")
    var json = false

    @OptionGroup var ledger: LedgerOption

    func validate() throws {
        if let amount, amount <= 0 { throw ValidationError(Say.text(ko: "--amount 는 0보다 큰 원 단위 금액이어야 합니다", en: "--amount must be a positive number of won")) }
        if deduct < 0 { throw ValidationError(Say.text(ko: "--deduct 는 음수일 수 없습니다", en: "--deduct must not be negative")) }
        if amount != nil && deduct > 0 { throw ValidationError(Say.text(ko: "--amount 는 환불할 정확한 금액입니다: --deduct 와 함께 쓰지 마세요",
                                                                        en: "--amount is the exact refund: do not combine it with --deduct")) }
        _ = try parsedItems()
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 200, !reason.contains(where: \.isNewline) else {
            throw ValidationError(Say.text(ko: "--reason 은 200자 이내의 한 줄이어야 합니다",
                                           en: "--reason must be one line of at most 200 characters"))
        }
        if let refundAccount { _ = try Self.account(refundAccount) }
    }

    func parsedItems() throws -> [RefundRequest.Item] {
        try items.map { text in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(parts.count), !parts[0].isEmpty,
                  parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                throw ValidationError(Say.text(ko: "--item 은 SKU 또는 SKU:수량 입니다 ('\(text)' 아님)",
                                               en: "--item must be SKU or SKU:QTY, not '\(text)'"))
            }
            guard parts.count == 1 else {
                guard let quantity = Int(parts[1]), quantity > 0 else { throw ValidationError(Say.text(ko: "--item \(text): 수량은 0보다 커야 합니다", en: "--item \(text): QTY must be a positive number")) }
                return RefundRequest.Item(sku: parts[0], quantity: quantity)
            }
            return RefundRequest.Item(sku: parts[0], quantity: nil)
        }
    }

    /// `004:12345678901:홍길동` (the bank's code or name, the number, the holder).
    static func account(_ text: String) throws -> RefundAccount {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, let bank = Bank.named(parts[0]) else {
            throw ValidationError(Say.text(ko: "--refund-account 는 은행코드:계좌번호:예금주 입니다 (예: 004:12345678901:홍길동)",
                                           en: "--refund-account must be BANK_CODE:NUMBER:HOLDER with a bank code such as 004 (국민은행)"))
        }
        let number = parts[1].filter { $0 != "-" && $0 != " " }
        guard (6...20).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }), !parts[2].isEmpty, parts[2].count <= 40 else {
            throw ValidationError(Say.text(ko: "--refund-account: 계좌번호는 숫자 6~20자리이고 예금주 이름이 필요합니다",
                                           en: "--refund-account: the account number is 6 to 20 digits and the holder's name is required"))
        }
        // The 금융결제원 code when the bank has one (V1 needs it); otherwise V2's name for it.
        return RefundAccount(bank: bank.code.isEmpty ? bank.portone : bank.code, number: number, holder: parts[2])
    }

    func run() throws {
        let seller = try SellerService.load(ledger)
        var request = RefundRequest(items: try parsedItems(), amount: amount, deduct: deduct, restock: !keepStock,
                                    reason: reason.trimmingCharacters(in: .whitespacesAndNewlines),
                                    refundAccount: try refundAccount.map(Self.account),
                                    requestedBy: "seller:" + (ProcessInfo.processInfo.environment["USER"] ?? "seller"))
        let interactive = isatty(0) == 1
        let impUID = try OrderReference.find(order, in: seller.ledger).impUID
        let preview: RefundPreview
        do {
            preview = try seller.service.planRefund(impUID, request: request)
        } catch {
            return try fail(error)
        }
        var expected: Int?
        switch preview {
        case let .inFlight(_, earlier):
            if !json {
                print("이 주문에는 끝나지 않은 환불이 있습니다 (#\(earlier.id), \(OrderText.won(earlier.amount)), "
                      + "\(OrderText.time(earlier.createdAt))). 그 환불을 PG의 기록으로 마무리합니다; 새 환불은 하지 않습니다.")
            }
        case let .ready(found, plan, needsAccount):
            if needsAccount && request.refundAccount == nil {
                guard interactive && !json else { return try fail(.needsRefundAccount) }
                print("입금된 가상계좌는 구매자의 계좌로 환불됩니다.")
                print("환불 계좌 (은행코드:계좌번호:예금주, 예: 004:12345678901:홍길동): ", terminator: "")
                guard let line = readLine(), !line.isEmpty else { return try fail(.needsRefundAccount) }
                request.refundAccount = try Self.account(line)
            }
            if !json { describe(found, plan, account: request.refundAccount) }
            if !yes {
                guard interactive else {
                    throw ValidationError(Say.text(ko: "터미널이 아니어서 확인을 받을 수 없습니다: 환불하지 않았습니다. 확인 없이 환불하려면 --yes 를 붙이세요",
                                                   en: "not a terminal: nothing was refunded. Add --yes to refund without the confirmation prompt"))
                }
                print("환불할까요? [y/N] ", terminator: "")
                guard let answer = readLine()?.lowercased(), ["y", "yes", "예", "네"].contains(answer) else {
                    print("환불하지 않았습니다.")
                    throw ExitCode(1)
                }
            }
            expected = plan.amount
        }
        let outcome: RefundOutcome
        do {
            outcome = try seller.service.refund(impUID, request: request, expecting: expected)
        } catch {
            seller.deliver()
            return try fail(error)
        }
        seller.deliver()
        if json {
            print(try prettyJSON(RefundJSON(outcome.refund, order: outcome.order, completedEarlier: outcome.completedEarlier)))
            return
        }
        let refund = outcome.refund
        if refund.state == .done {
            print("환불했습니다: \(OrderText.won(refund.amount)) (#\(refund.id)"
                  + (refund.providerCancellation.map { ", PG 취소 \($0)" } ?? "") + ")")
            let after = outcome.order
            print(after.status == "cancelled" ? "주문이 전액 취소되었습니다."
                  : "남은 결제 금액: \(OrderText.won(after.amount - after.cancelledAmount))")
        } else {
            print("환불되지 않았습니다 (#\(refund.id)): \(refund.note ?? "")")
            throw ExitCode(1)
        }
    }

    /// What will be refunded, for the confirmation.
    func describe(_ order: LedgerOrder, _ plan: RefundPlan, account: RefundAccount?) {
        print("주문 \(order.merchantUID) (\(order.impUID)) · 결제 \(OrderText.won(order.amount))"
              + (order.cancelledAmount > 0 ? " · 이미 취소 \(OrderText.won(order.cancelledAmount))" : ""))
        for line in plan.lines {
            print("  - \(OrderText.line(title: line.title, sku: line.sku, options: line.options)) × \(line.quantity)  "
                  + OrderText.won(line.total) + (plan.restock ? "  (재고 복원)" : "  (재고 복원 안 함)"))
        }
        if plan.deducted > 0 { print("  반품 배송비 차감  -\(OrderText.won(plan.deducted))") }
        print("환불 금액  \(OrderText.won(plan.amount))"
              + (plan.refundsAll ? " (남은 금액 전부)" : " (환불할 수 있는 \(OrderText.won(plan.left)) 중)"))
        if let account {
            print("환불 계좌  \(Bank.named(account.bank)?.name ?? account.bank) \(account.number) \(account.holder)")
        }
    }

    func fail(_ problem: RefundProblem) throws {
        if json {
            struct Failure: Encodable { var ok = false, error: String, pending: Bool }
            var pending = false
            if case .unknownOutcome = problem { pending = true }
            print(try prettyJSON(Failure(error: problem.description, pending: pending)))
        } else {
            FileHandle.standardError.write(Data("refund: \(problem.said)\n".utf8))
        }
        if case .unknownOutcome = problem { throw ExitCode(3) }
        throw ExitCode(1)
    }
}

/// One refund as `--json` shows it.
struct RefundJSON: Encodable {
    var ok: Bool
    var id: Int
    var impUID: String
    var state: String
    var amount: Int
    var taxFree: Int
    var deducted: Int
    var lines: [RefundLine]
    var restocked: Bool
    var reason: String
    var requestedBy: String
    var providerCancellation: String?
    var note: String?
    var createdAt: Int
    var completedEarlier: Bool?
    var orderStatus: String?
    var cancelledAmount: Int?

    init(_ refund: LedgerRefund, order: LedgerOrder? = nil, completedEarlier: Bool? = nil) {
        ok = refund.state == .done
        id = refund.id
        impUID = refund.impUID
        state = refund.state.rawValue
        amount = refund.amount
        taxFree = refund.taxFree
        deducted = refund.deducted
        lines = refund.lines
        restocked = refund.restock
        reason = refund.reason
        requestedBy = refund.requestedBy
        providerCancellation = refund.providerCancellation
        note = refund.note
        createdAt = refund.createdAt
        self.completedEarlier = completedEarlier
        orderStatus = order?.status
        cancelledAmount = order?.cancelledAmount
    }

    enum CodingKeys: String, CodingKey {
        case ok, id, impUID = "imp_uid", state, amount, taxFree = "tax_free", deducted, lines, restocked, reason
        case requestedBy = "requested_by", providerCancellation = "provider_cancellation", note
        case createdAt = "created_at", completedEarlier = "completed_earlier", orderStatus = "order_status"
        case cancelledAmount = "cancelled_amount"
    }
}

struct OrdersDecline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline",
        abstract: "Decline a buyer's open return or cancel request, and tell the buyer why by e-mail.")

    @Argument(help: "The order: its payment id or its order number.")
    var order: String

    @Option(help: "Why (the buyer reads it).")
    var reason: String

    @OptionGroup var ledger: LedgerOption

    func validate() throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw ValidationError(Say.text(ko: "--reason (500자 이내)이 필요합니다", en: "--reason is required (at most 500 characters)")) }
    }

    func run() throws {
        let book = try ledger.open()
        let (settings, _) = try notifySettings(ledger: ledger)
        let notifier = Notifier(settings: settings, log: Log(enabled: false))
        let found = try OrderReference.find(order, in: book)
        let answer = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = Int(Date().timeIntervalSince1970)
        let declined = try book.declineRequests(found.impUID, answer: answer, at: now) { order in
            notifier.notifications(.requestDeclined(answer: answer, at: now), order: order)
        }
        guard declined else { throw ValidationError(Say.text(ko: "\(found.merchantUID) 에는 열린 요청이 없습니다", en: "\(found.merchantUID) has no open request")) }
        _ = try? Courier(settings: settings, ledger: book).deliver(impUID: found.impUID)
        print("\(found.merchantUID): 요청을 거절했습니다. 구매자에게 사유를 보냅니다.")
    }
}

extension RefundProblem {
    /// The problem as the seller reads it at the terminal: in Korean for a ko shop. `--json` keeps the English
    /// `description`, which scripts can match.
    var said: String { Say.korean ? korean : description }

    var korean: String {
        switch self {
        case let .noSuchOrder(id): return "원장에 \(id) 주문이 없습니다"
        case let .notRefundable(status): return "주문이 \(status) 상태입니다: 결제완료 주문만 환불할 수 있습니다"
        case .nothingLeft: return "환불할 금액이 남아 있지 않습니다: 전액 취소된 주문입니다"
        case let .unknownLine(sku): return "주문에 환불할 수량이 남은 \(sku) 상품이 없습니다"
        case let .tooManyUnits(sku, asked, left): return "\(sku): \(asked)개를 요청했지만 환불할 수 있는 수량은 \(left)개입니다"
        case let .exceedsRemaining(asked, left):
            return "\(OrderText.won(asked))은 환불할 수 있는 금액(\(OrderText.won(left)))보다 많습니다. 환불하지 않았습니다"
        case .nothingToRefund: return "차감하고 나면 환불할 금액이 없습니다"
        case .needsRefundAccount:
            return "입금된 가상계좌는 구매자의 계좌로 환불됩니다: --refund-account 은행코드:계좌번호:예금주 를 주세요"
        case .changed: return "그 사이 주문이 바뀌었습니다 (다른 환불이나 콘솔 취소). 주문을 다시 확인하고 실행하세요"
        case let .refused(message): return "PG가 환불을 거절했습니다. 환불되지 않았습니다: \(message)"
        case let .unknownOutcome(detail):
            return "PG의 응답을 받지 못했습니다 (\(detail)). 환불은 '결과 확인 중'으로 기록되어 있고, 다음 실행이나 "
                + "결제 확인, gage orders reconcile 이 PG의 기록으로 마무리합니다 (두 번 환불되지 않습니다)"
        case let .provider(detail): return "PG에 물어볼 수 없습니다: \(detail). 환불하지 않았습니다"
        case let .ledger(detail): return "원장을 쓸 수 없습니다: \(detail). 환불하지 않았습니다"
        }
    }
}

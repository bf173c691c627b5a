import GageCore
import GageLedger

/// What a refund is asked to give back (SPEC §10): everything left (no lines, no amount), some lines, or an exact
/// amount; less a deduction (반품 배송비); with the units back in stock or kept out.
public struct RefundRequest: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var sku: String
        /// nil: every unit of the SKU not yet refunded.
        public var quantity: Int?

        public init(sku: String, quantity: Int?) {
            self.sku = sku
            self.quantity = quantity
        }
    }

    public var items: [Item]
    public var amount: Int?
    public var deduct: Int
    public var restock: Bool
    public var reason: String
    public var refundAccount: RefundAccount?
    /// `seller:NAME` or `buyer`: who the history says asked.
    public var requestedBy: String
    /// A refund identical to one made in the last day (amount, reason, lines) is refused unless this says it is
    /// meant: a seller re-running a command whose answer was lost — after a later look completed it — must not
    /// refund twice (SPEC §10, exactly once).
    public var repeatAllowed = false

    public init(items: [Item] = [], amount: Int? = nil, deduct: Int = 0, restock: Bool = true, reason: String,
                refundAccount: RefundAccount? = nil, requestedBy: String) {
        self.items = items
        self.amount = amount
        self.deduct = deduct
        self.restock = restock
        self.reason = reason
        self.refundAccount = refundAccount
        self.requestedBy = requestedBy
    }
}

/// Why a refund was not made. Everything but `unknownOutcome` means nothing was refunded.
public enum RefundProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchOrder(String)
    case notRefundable(status: String)
    case nothingLeft
    case unknownLine(String)
    case tooManyUnits(sku: String, asked: Int, left: Int)
    case exceedsRemaining(asked: Int, left: Int)
    case nothingToRefund
    /// A deposited virtual account is refunded by transfer: the buyer's bank account is needed.
    case needsRefundAccount
    /// The order changed between the look and the refund (another refund, a cancel in the console): look again.
    case changed
    /// The provider refused the cancel: nothing was refunded.
    case refused(String)
    /// The provider's answer was lost: the refund stays intended and the next run, look or reconcile completes it.
    case unknownOutcome(String)
    /// The same refund (amount, reason, lines) was made within the last day: nothing was refunded.
    case repeated(amount: Int, at: Int)
    case provider(String)
    case ledger(String)

    public var description: String {
        switch self {
        case let .noSuchOrder(id): return "no order \(id) in the ledger"
        case let .notRefundable(status): return "the order is \(status): only a paid order can be refunded"
        case .nothingLeft: return "nothing is left to refund: the order is cancelled in full"
        case let .unknownLine(sku): return "the order has no line \(sku) with units left to refund"
        case let .tooManyUnits(sku, asked, left):
            return "\(sku): \(asked) asked, but only \(left) of its units are left to refund"
        case let .exceedsRemaining(asked, left):
            return "\(asked)원 is more than is left to refund (\(left)원); nothing was refunded"
        case .nothingToRefund: return "that refunds nothing (the deduction takes all of it)"
        case .needsRefundAccount:
            return "a deposited virtual account is refunded by transfer: give --refund-account BANK_CODE:NUMBER:HOLDER"
        case .changed: return "the order changed meanwhile (another refund or a cancel): look at it again and retry"
        case let .refused(message): return "the provider refused the refund, nothing was refunded: \(message)"
        case let .unknownOutcome(detail):
            return "the provider's answer was lost (\(detail)); the refund is recorded as intended and the next run, "
                + "a later look at the payment or gage orders reconcile completes it from the provider's record"
        case let .repeated(amount, at):
            return "the same refund (\(amount) won, same reason and lines) was already made at Unix time \(at); "
                + "nothing was refunded. Add --again if a second one is really meant"
        case let .provider(detail): return "the provider could not be asked: \(detail); nothing was refunded"
        case let .ledger(detail): return "the ledger failed: \(detail); nothing was refunded"
        }
    }
}

/// A refund worked out from an order, the refunds it had and the provider's figures: which units, how much, how
/// much of it is tax-free. Pure.
public struct RefundPlan: Sendable, Equatable {
    public var lines: [RefundLine]
    public var amount: Int
    public var deducted: Int
    /// The tax-free share (V1 `tax_free`, V2 `taxFreeAmount`): the refunded lines' tax-free value less the
    /// deduction's proportional share, or for an amount (or everything left) the order's tax-free proportion of
    /// it. A line is tax-free when its order line was priced as 면세 (`PricedItem.taxFree`, SPEC §11) or the
    /// caller's `isTaxFree` says so.
    public var taxFree: Int
    public var restock: Bool
    /// What was left to refund before this refund.
    public var left: Int

    public var refundsAll: Bool { amount == left }

    /// The order's lines with the units not refunded yet.
    static func remaining(_ order: LedgerOrder, after refunds: [LedgerRefund]) -> [RefundLine] {
        var lines = order.items.map { RefundLine(sku: $0.sku, title: $0.title, options: $0.options, quantity: $0.quantity,
                                                 unitPrice: $0.price) }
        for refund in refunds where refund.state == .done {
            for refunded in refund.lines {
                var units = refunded.quantity
                for index in lines.indices where units > 0 && lines[index].sku == refunded.sku
                    && lines[index].options == refunded.options {
                    let taken = min(units, lines[index].quantity)
                    lines[index].quantity -= taken
                    units -= taken
                }
            }
        }
        return lines.filter { $0.quantity > 0 }
    }

    public static func make(order: LedgerOrder, refunds: [LedgerRefund], left: Int, request: RefundRequest,
                            isTaxFree: (String) -> Bool = { _ in false }) throws(RefundProblem) -> RefundPlan {
        let isTaxFree: (String) -> Bool = { sku in isTaxFree(sku) || order.items.contains { $0.sku == sku && $0.taxFree } }
        guard order.status == "paid" else {
            throw order.status == "cancelled" ? .nothingLeft : .notRefundable(status: order.status)
        }
        guard left > 0 else { throw .nothingLeft }
        var remaining = remaining(order, after: refunds)
        var lines: [RefundLine] = []
        for item in request.items {
            let available = remaining.filter { $0.sku == item.sku }.reduce(0) { $0 + $1.quantity }
            guard available > 0 else { throw .unknownLine(item.sku) }
            var wanted = item.quantity ?? available
            guard wanted <= available else { throw .tooManyUnits(sku: item.sku, asked: wanted, left: available) }
            for index in remaining.indices where wanted > 0 && remaining[index].sku == item.sku && remaining[index].quantity > 0 {
                var line = remaining[index]
                line.quantity = min(wanted, line.quantity)
                remaining[index].quantity -= line.quantity
                wanted -= line.quantity
                lines.append(line)
            }
        }
        let gross: Int
        if let amount = request.amount {
            gross = amount
        } else if !request.items.isEmpty {
            // Each line less its share of the order's discount (SPEC §11): what was paid for those units.
            gross = lines.reduce(0) { $0 + $1.total - Self.discountShare(of: $1, in: order) }
        } else {
            gross = left
            lines = remaining  // everything left goes back
        }
        let amount = gross - request.deduct
        guard amount > 0 else { throw .nothingToRefund }
        guard amount <= left else { throw .exceedsRemaining(asked: amount, left: left) }
        let taxFree = Self.taxFreeShare(of: amount, gross: gross, lines: request.amount == nil && !request.items.isEmpty
                                            ? lines : nil, order: order, refunds: refunds, left: left, isTaxFree: isTaxFree)
        return RefundPlan(lines: lines, amount: amount, deducted: request.amount == nil ? request.deduct : 0,
                          taxFree: taxFree, restock: request.restock, left: left)
    }

    /// The share of the order's discount (SPEC §11) that `line`'s units carry: its order line's share in proportion
    /// to the units, rounded down (so a refund by lines never gives back more than was paid for them).
    static func discountShare(of line: RefundLine, in order: LedgerOrder) -> Int {
        guard let item = order.items.first(where: { $0.sku == line.sku && $0.options == line.options }),
              item.discount > 0, item.quantity > 0 else { return 0 }
        return item.discount * min(line.quantity, item.quantity) / item.quantity
    }

    /// By lines: their tax-free value, less the deduction in proportion. Otherwise: the order's tax-free share of
    /// its amount applied to `amount`. Then kept within what the PG can cancel: never more tax-free than is left,
    /// and never more taxable than is left (`left` less the tax-free part not refunded) — after a refund of the
    /// taxable lines, what remains is not in the order's proportion, and PortOne refuses a cancel that asks for
    /// more of either part than is left (`CANCEL_TAX_FREE_AMOUNT_EXCEEDS_…`, `CANCEL_TAX_AMOUNT_EXCEEDS_…`).
    static func taxFreeShare(of amount: Int, gross: Int, lines: [RefundLine]?, order: LedgerOrder,
                             refunds: [LedgerRefund], left: Int, isTaxFree: (String) -> Bool) -> Int {
        let orderTaxFree = order.items.filter { isTaxFree($0.sku) }.reduce(0) { $0 + $1.lineTotal - $1.discount }
        let unrefunded = orderTaxFree - refunds.filter { $0.state == .done }.reduce(0) { $0 + $1.taxFree }
        guard orderTaxFree > 0, unrefunded > 0, amount > 0, order.amount > 0 else { return 0 }
        var share = 0
        if let lines {
            let value = lines.filter { isTaxFree($0.sku) }.reduce(0) { $0 + $1.total - discountShare(of: $1, in: order) }
            share = gross > 0 ? value * amount / gross : 0
        } else {
            share = amount * orderTaxFree / order.amount
        }
        let taxableLeft = max(0, left - unrefunded)
        return min(max(0, share, amount - taxableLeft), unrefunded, amount)
    }
}

/// What a refund would do, before it is made.
public enum RefundPreview: Sendable {
    /// This plan; `needsAccount` when the provider refunds it only to the buyer's bank account.
    case ready(order: LedgerOrder, plan: RefundPlan, needsAccount: Bool)
    /// An earlier run left this refund in flight: running again completes it (and does nothing new).
    case inFlight(order: LedgerOrder, refund: LedgerRefund)
}

/// What a refund run ended with.
public struct RefundOutcome: Sendable {
    public var order: LedgerOrder
    public var refund: LedgerRefund
    /// The refund completed was one an earlier run left in flight, not the one asked for now.
    public var completedEarlier: Bool
}

extension VerifyService {
    /// The order the ledger keeps under the provider's payment id (the command line resolves a 주문번호 to it).
    func findOrder(_ impUID: String, in ledger: Ledger) throws(RefundProblem) -> LedgerOrder {
        do {
            if let order = try ledger.order(impUID) { return order }
        } catch {
            throw .ledger(error.message)
        }
        throw .noSuchOrder(impUID)
    }

    /// What a refund would do now, for the seller to confirm: the order brought up to date with the provider
    /// first (a cancel made in the console counts). Calls the provider only to read.
    public func planRefund(_ impUID: String, request: RefundRequest) throws(RefundProblem) -> RefundPreview {
        let ledger = try refundLedger()
        var order = try findOrder(impUID, in: ledger)
        if let inFlight = try ledgerCall({ () throws(LedgerError) in try ledger.openRefund(order.impUID) }) {
            return .inFlight(order: order, refund: inFlight)
        }
        let payment = try lookAt(order.impUID)
        order = try caughtUp(order, with: payment, ledger: ledger)
        let refunds = try ledgerCall { () throws(LedgerError) in try ledger.refunds(order.impUID) }
        let plan = try RefundPlan.make(order: order, refunds: refunds, left: Self.left(order, payment), request: request)
        try Self.refuseRepeat(of: plan, request: request, refunds: refunds, now: Self.now())
        return .ready(order: order, plan: plan, needsAccount: Self.refundsByTransfer(payment))
    }

    /// Refunds an order exactly once (SPEC §10). A refund an earlier run left in flight is completed first, and
    /// then nothing more is done (the seller looks again). The intent is durable before the provider is asked;
    /// the provider's checksum refuses a second cancel made from the same figures; an answer that is lost leaves
    /// the intent for the next look to complete from the provider's record.
    public func refund(_ impUID: String, request: RefundRequest,
                       expecting expected: Int? = nil) throws(RefundProblem) -> RefundOutcome {
        let ledger = try refundLedger()
        var order = try findOrder(impUID, in: ledger)
        if let earlier = try ledgerCall({ () throws(LedgerError) in try ledger.openRefund(order.impUID) }) {
            return try completeEarlier(earlier, ledger: ledger)
        }
        let payment = try lookAt(order.impUID)
        order = try caughtUp(order, with: payment, ledger: ledger)
        let refunds = try ledgerCall { () throws(LedgerError) in try ledger.refunds(order.impUID) }
        let plan = try RefundPlan.make(order: order, refunds: refunds, left: Self.left(order, payment), request: request)
        try Self.refuseRepeat(of: plan, request: request, refunds: refunds, now: Self.now())
        if let expected, expected != plan.amount { throw .changed }
        if Self.refundsByTransfer(payment) && request.refundAccount == nil { throw .needsRefundAccount }
        let now = Self.now()
        let intent: LedgerRefund
        do {
            intent = try ledger.transaction { () throws(LedgerError) -> LedgerRefund in
                guard try ledger.openRefund(order.impUID) == nil,
                      let current = try ledger.order(order.impUID), current.cancelledAmount == order.cancelledAmount,
                      current.status == order.status else {
                    throw LedgerError(message: "changed")
                }
                return try ledger.recordRefundIntent(LedgerRefund(
                    impUID: order.impUID, amount: plan.amount, taxFree: plan.taxFree, deducted: plan.deducted,
                    lines: plan.lines, restock: plan.restock, reason: request.reason, requestedBy: request.requestedBy,
                    cancelledBefore: payment.cancelAmount, refundAccount: request.refundAccount, createdAt: now))
            }
        } catch {
            // Another run wrote its intent (or moved the order) between our look and our write.
            if error.message == "changed" || error.message.contains("UNIQUE") || error.message.contains("unique") {
                throw .changed
            }
            throw .ledger(error.message)
        }
        log.info("refund \(order.impUID): intended \(plan.amount) (#\(intent.id))")
        let cancelled: String?
        do {
            cancelled = try client.cancel(id: order.impUID, cancelRequest(intent, payment: payment))
        } catch {
            log.error("refund \(order.impUID) #\(intent.id): \(error.description)")
            return try resolve(intent, ledger: ledger, after: error, retry: false)
        }
        return try complete(intent, ledger: ledger, state: .done, cancellation: cancelled, note: nil, payment: nil)
    }

    /// Refuses a refund identical to one made in the last day (amount, reason, lines), unless the request says a
    /// repeat is meant. A refund whose answer was lost is completed by a later look; the seller who then runs the
    /// same command again (as a script retrying on exit 3 would) must not refund a second time.
    static func refuseRepeat(of plan: RefundPlan, request: RefundRequest, refunds: [LedgerRefund],
                             now: Int) throws(RefundProblem) {
        guard !request.repeatAllowed else { return }
        if let twin = refunds.last(where: { $0.state == .done && $0.amount == plan.amount && $0.reason == request.reason
                                             && $0.lines == plan.lines && now - $0.createdAt < 86_400 }) {
            throw .repeated(amount: twin.amount, at: twin.createdAt)
        }
    }

    /// Completes the refund an order has in flight from the provider's record, when a later look at the payment
    /// (a webhook, a reload, reconcile) finds one. Never fails the look: what cannot be known now stays for the next.
    func completeRefundInFlight(_ impUID: String, ledger: Ledger) {
        guard let intent = try? ledger.openRefund(impUID) else { return }
        _ = try? resolve(intent, ledger: ledger, after: nil, retry: true)
    }

    // MARK: - Steps

    private func completeEarlier(_ earlier: LedgerRefund, ledger: Ledger) throws(RefundProblem) -> RefundOutcome {
        var outcome = try resolve(earlier, ledger: ledger, after: nil, retry: true)
        outcome.completedEarlier = true
        return outcome
    }

    /// Decides an intended refund from the provider's own record: `cancelledBefore` is what the provider had
    /// cancelled when the intent was written, so the refund went through when at least its amount was cancelled
    /// since and the provider lists a cancel of its amount and reason not claimed by an earlier refund. Nothing
    /// cancelled since: the call never landed — made now when `retry` (the checksum refuses it if
    /// a racing run's call lands first), else refused for good when the provider refused it. Anything else moved
    /// the payment (a cancel in the console): the intent failed and the order follows the provider.
    private func resolve(_ intent: LedgerRefund, ledger: Ledger, after error: ProviderError?,
                         retry: Bool) throws(RefundProblem) -> RefundOutcome {
        let payment: ProviderPayment
        // A call that timed out spent the time budget; the look at the provider's record gets its own.
        if error != nil { client.renewTimeBudget() }
        do {
            payment = try client.payment(id: intent.impUID)
        } catch let lookError {
            let detail = (error ?? lookError).description
            try? ledger.noteRefund(intent, note: "outcome unknown: \(detail)", at: Self.now())
            throw .unknownOutcome(detail)
        }
        let moved = payment.cancelAmount - intent.cancelledBefore
        // Ours is a cancel of its amount with its reason that no earlier refund of this order already accounts
        // for (a cancel made in the console for the same amount is not ours).
        let same = payment.cancellations.filter { $0.amount == intent.amount && $0.reason == intent.reason }
        let accounted = (try? ledger.refunds(intent.impUID))?.filter { refund in
            refund.id != intent.id && refund.state == .done && refund.amount == intent.amount && refund.reason == intent.reason
        }.count ?? 0
        if moved >= intent.amount && same.count > accounted {
            return try complete(intent, ledger: ledger, state: .done, cancellation: same.last?.id, note: nil,
                                payment: payment)
        }
        if moved <= 0 {
            if case .unavailable(let detail)? = error {
                try? ledger.noteRefund(intent, note: "outcome unknown: \(detail)", at: Self.now())
                throw .unknownOutcome(detail)
            }
            if let error {
                _ = try complete(intent, ledger: ledger, state: .failed, cancellation: nil, note: actionNote(error),
                                 payment: payment)
                throw .refused(actionNote(error))
            }
            guard retry else { throw .unknownOutcome("not made yet") }
            let cancelled: String?
            do {
                cancelled = try client.cancel(id: intent.impUID, cancelRequest(intent, payment: payment))
            } catch let again {
                return try resolve(intent, ledger: ledger, after: again, retry: false)
            }
            return try complete(intent, ledger: ledger, state: .done, cancellation: cancelled, note: nil, payment: nil)
        }
        let note = "not made: the payment was cancelled elsewhere meanwhile (\(moved) since this refund was asked)"
        _ = try complete(intent, ledger: ledger, state: .failed, cancellation: nil, note: note, payment: payment)
        throw .refused(note)
    }

    /// Ends the intent in one transaction with the order it leaves (done: `paid` with more cancelled, or
    /// `cancelled` when nothing is left), the history line and the buyer's 환불 안내. Ended by another run first:
    /// the order as that run left it.
    private func complete(_ intent: LedgerRefund, ledger: Ledger, state: LedgerRefund.State, cancellation: String?,
                          note: String?, payment: ProviderPayment?) throws(RefundProblem) -> RefundOutcome {
        let now = Self.now()
        var ended = intent
        ended.state = state
        ended.providerCancellation = cancellation
        ended.note = note
        ended.updatedAt = now
        do {
            return try ledger.transaction { () throws(LedgerError) -> RefundOutcome in
                guard let order = try ledger.order(intent.impUID) else {
                    throw LedgerError(message: "no order \(intent.impUID)")
                }
                var after = order
                let event: LedgerEvent
                let who = intent.requestedBy.hasPrefix("buyer") ? "buyer" : "seller"
                let provider = payment?.statusAsReported ?? (state == .done ? "cancelled" : order.status)
                if state == .done {
                    after.cancelledAmount = max(order.cancelledAmount, intent.cancelledBefore + intent.amount,
                                                payment?.cancelAmount ?? 0)
                    if after.cancelledAmount >= after.amount { after.status = "cancelled" }
                    after.latestRefund = ended
                    event = LedgerEvent(at: now, channel: who, iamportStatus: provider, decision: "refunded",
                                        reason: Self.historyText(intent), amount: intent.amount)
                } else {
                    event = LedgerEvent(at: now, channel: who, iamportStatus: provider, decision: "refund_refused",
                                        reason: (note ?? "") + " — " + Self.historyText(intent), amount: intent.amount)
                }
                let notifications = state == .done ? (notifier?.notifications(before: order, after: after) ?? []) : []
                guard try ledger.finishRefund(intent, state: state, providerCancellation: cancellation, note: note,
                                              order: state == .done ? after : nil, event: event,
                                              notifications: notifications, at: now) else {
                    // Another run ended it first: report what it recorded.
                    let recorded = try ledger.refunds(intent.impUID).first { $0.id == intent.id } ?? ended
                    return RefundOutcome(order: order, refund: recorded, completedEarlier: false)
                }
                after.latestRefund = nil
                log.info("refund \(intent.impUID) #\(intent.id): \(state.rawValue) \(intent.amount)")
                return RefundOutcome(order: state == .done ? after : order, refund: ended, completedEarlier: false)
            }
        } catch {
            throw .ledger(error.message)
        }
    }

    /// The cancel an intent asks of the provider: its amount, checksummed with what was cancellable when the
    /// intent was written (the payment's total less what the provider had cancelled then).
    private func cancelRequest(_ intent: LedgerRefund, payment: ProviderPayment) -> CancelRequest {
        CancelRequest(amount: intent.amount, checksum: payment.amount - intent.cancelledBefore, taxFree: intent.taxFree,
                      reason: intent.reason, refundAccount: intent.refundAccount)
    }

    /// Brings the ledger's order up to date when the provider has cancelled more than the ledger knows.
    private func caughtUp(_ order: LedgerOrder, with payment: ProviderPayment,
                          ledger: Ledger) throws(RefundProblem) -> LedgerOrder {
        guard payment.cancelAmount != order.cancelledAmount || (payment.status == "cancelled" && !payment.holdsMoney
                                                                 && order.status == "paid") else { return order }
        do {
            _ = try settle(payment, channel: .reconcile)
        } catch {
            throw .provider("\(error)")
        }
        return try ledgerCall { () throws(LedgerError) in try ledger.order(order.impUID) } ?? order
    }

    private func lookAt(_ impUID: String) throws(RefundProblem) -> ProviderPayment {
        do {
            return try client.payment(id: impUID)
        } catch {
            throw .provider(error.description)
        }
    }

    private func refundLedger() throws(RefundProblem) -> Ledger {
        do { return try Ledger(location: ledger) } catch { throw .ledger(error.message) }
    }

    private func ledgerCall<T>(_ body: () throws(LedgerError) -> T) throws(RefundProblem) -> T {
        do { return try body() } catch { throw .ledger(error.message) }
    }

    /// What is left to refund: the provider's figure, never more than the ledger's.
    static func left(_ order: LedgerOrder, _ payment: ProviderPayment) -> Int {
        guard payment.holdsMoney else { return 0 }
        return min(order.amount - order.cancelledAmount, payment.refundableAmount)
    }

    /// A payment the provider can refund only by transfer to the buyer's bank account: a deposited virtual account.
    static func refundsByTransfer(_ payment: ProviderPayment) -> Bool {
        payment.payMethod == "vbank" && payment.holdsMoney
    }

    /// The history's line: who, why, which lines, what was kept.
    static func historyText(_ refund: LedgerRefund) -> String {
        var text = "\(refund.requestedBy): \(refund.reason)"
        if !refund.lines.isEmpty {
            text += " [" + refund.lines.map { "\($0.sku)×\($0.quantity)" }.joined(separator: ", ") + "]"
        }
        if refund.deducted > 0 { text += " (차감 \(refund.deducted))" }
        if !refund.restock && !refund.lines.isEmpty { text += " (재고 미복원)" }
        return text
    }
}

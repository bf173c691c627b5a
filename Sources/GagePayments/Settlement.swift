import GageCore
import GageLedger

/// How one look at a payment changes the order the ledger holds (SPEC §3, "Decisions are final"). A payment's
/// first decision stands; later looks move it only forward:
/// - `paid` stays paid (a partial cancel is recorded beside it) until the provider has cancelled all of it;
/// - `rejected` and `cancelled` are final, except that an owed refund is marked done once the provider shows it;
/// - `unpaid`, `failed`, `awaiting_deposit` and `expired` may still become what the provider now says, but a
///   stale read (a slow redirect's `ready` after the webhook's deposit) never takes an order back.
public enum Settlement {
    /// Whether the order is past anything a later look could judge differently: paid, rejected or cancelled
    /// orders only take the provider's cancels and refunds, never a new judgement.
    public static func isSettled(_ order: LedgerOrder?) -> Bool {
        ["paid", "rejected", "cancelled"].contains(order?.status ?? "")
    }

    /// The order as it stands after this look, or nil when the payment is not the shop's to record.
    public static func next(existing: LedgerOrder?, judged: Judgement, payment: ProviderPayment,
                            catalogVersion: String) -> LedgerOrder? {
        guard judged != .ignored else { return existing }
        let fresh = LedgerOrder(payment: payment, judgement: judged, catalogVersion: catalogVersion)
        guard var kept = existing else { return fresh }
        kept.cancelledAmount = max(kept.cancelledAmount, payment.cancelAmount)
        switch kept.status {
        case "paid":
            if payment.status == "cancelled" && payment.refundableAmount == 0 { kept.status = "cancelled" }
            return kept
        case "rejected":
            if kept.refundState != .done && payment.status == "cancelled" && payment.refundableAmount == 0 {
                kept.refundState = .done
                kept.actionNote = nil
            } else if kept.refundState == nil && payment.holdsMoney {
                // Rejected when no money had moved (a virtual account for the wrong amount), deposited anyway.
                kept.refundState = LedgerOrder.refundOwed(for: payment)
            }
            return kept
        case "cancelled":
            return kept
        case "expired":
            switch judged {
            case .paid, .rejected: return fresh  // the money landed before the revoke did: judged afresh
            default: return kept
            }
        case "awaiting_deposit":
            switch judged {
            case .unpaid: return kept
            default: return fresh
            }
        default:  // unpaid, failed
            if case .unpaid = judged { return kept }
            return fresh
        }
    }
}

extension LedgerOrder {
    /// A refund of money that must go back: Gage makes it, except for a deposited virtual account, whose refund
    /// needs the buyer's bank account, which Gage does not have.
    static func refundOwed(for payment: ProviderPayment) -> ProviderAction {
        payment.payMethod == "vbank" ? .manual : .pending
    }

    /// The ledger's row for a first decision: the provider's record, the priced items, the buyer's details.
    init(payment: ProviderPayment, judgement: Judgement, catalogVersion: String) {
        self.init(impUID: payment.impUID, merchantUID: payment.merchantUID, status: judgement.status,
                  amount: payment.amount, currency: payment.currency, name: payment.name, items: [],
                  buyer: .init(name: payment.buyerName, tel: payment.buyerTel, email: payment.buyerEmail,
                               addr: payment.buyerAddr, postcode: payment.buyerPostcode))
        payMethod = payment.payMethod
        escrow = payment.escrow
        cancelledAmount = payment.cancelAmount
        switch judgement {
        case let .paid(order):
            items = order.items
            pricing = PricingEffects(order)
            self.catalogVersion = catalogVersion
        case let .awaitingDeposit(order, account, holdUntil):
            items = order.items
            pricing = PricingEffects(order)
            vbank = account
            self.holdUntil = holdUntil
            self.catalogVersion = catalogVersion
        case let .expired(account):
            vbank = account
            revokeState = .pending
        case let .rejected(why, expected, refund, alreadyRefunded, taxFree):
            reason = why
            expectedAmount = expected
            if taxFree > 0 { pricing = PricingEffects(taxFree: taxFree) }
            if alreadyRefunded { refundState = .done } else if refund { refundState = Self.refundOwed(for: payment) }
        case .ignored, .unpaid, .failed, .cancelled:
            break
        }
    }
}

extension LedgerOrder.PricingEffects {
    /// What the rules did to a priced order; nil when none did anything (the row stays as before the rules).
    init?(_ order: PricedOrder) {
        guard order.discountCode != nil || order.surcharge != 0 || order.taxFree != 0 else { return nil }
        self.init(discountCode: order.discountCode, discount: order.savedByCode, surcharge: order.surcharge,
                  taxFree: order.taxFree)
    }
}

extension Judgement {
    /// The `status` of SPEC §3 this judgement answers with.
    public var status: String {
        switch self {
        case .paid: return "paid"
        case .awaitingDeposit: return "awaiting_deposit"
        case .expired: return "expired"
        case .ignored: return "ignored"
        case .unpaid: return "unpaid"
        case .failed: return "failed"
        case .cancelled: return "cancelled"
        case .rejected: return "rejected"
        }
    }
}

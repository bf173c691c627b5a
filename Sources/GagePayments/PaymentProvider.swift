import GageCore

/// The seam between the decision and a payment provider's REST API. The decision, the ledger and the front
/// doors speak `ProviderPayment`; each adapter turns its provider's wire format into it: `IamportClient` (PortOne
/// V1, `imp_uid`s) and `PortOneClient` (PortOne V2, the shop's own `paymentId`s).
public protocol PaymentProvider: AnyObject {
    /// Which provider this is: names it in messages and says how its payments are addressed.
    var kind: ProviderKind { get }

    /// The provider's record of one payment. `id` is the key the ledger keeps the order under (V1 `imp_uid`,
    /// V2 `paymentId`) and must already be validated: it goes into a URL path.
    func payment(id: String) throws(ProviderError) -> ProviderPayment

    /// Cancels everything that is left of a payment. The provider refuses when `checksum` (what we believe is
    /// still cancellable) is not its own figure, so two racing refunds cannot both go through.
    func cancel(id: String, checksum: Int, reason: String) throws(ProviderError)

    /// Registers the amount of an order before its payment window opens: the provider refuses any other amount.
    func prepare(merchantUID: String, amount: Int, currency: String) throws(ProviderError)

    /// Closes an issued virtual account that had no deposit, so none can land.
    func revokeVirtualAccount(id: String) throws(ProviderError)

    /// The shop's payments that started between `from` and `until` (Unix seconds) and that may matter to the
    /// ledger: paid, cancelled, or an issued virtual account.
    func recentPayments(from: Int, until: Int) throws(ProviderError) -> [ProviderPayment]

    /// Gives the calls from now on the whole time budget again (one verification spends one budget; a batch
    /// spends one per payment it checks).
    func renewTimeBudget()
}

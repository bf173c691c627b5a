import GageCore

/// A billing key as the provider describes it (V1 `GET /subscribe/customers/{customer_uid}`, V2
/// `GET /billing-keys/{billingKey}`): whether it can still be charged and where it was issued. The card and the
/// customer's details are not read.
public struct BillingKeyRecord: Sendable, Equatable {
    /// The key as the shop refers to it: V1's `customer_uid` alias, V2's `billingKey`.
    public var key: String
    /// V1: it exists (a deleted key is not found); V2: its status is `ISSUED`.
    public var issued: Bool
    /// The PG and its merchant id (V1), or, V2, the PG of the channel that issued it.
    public var pgProvider: String?
    public var pgID: String?
    /// V2: the store and the channel that issued it.
    public var storeID: String?
    public var channelKey: String?
    /// The pay methods it charges, in V1's words (`card`); empty when the provider does not say.
    public var methods: [String]

    public init(key: String, issued: Bool, pgProvider: String? = nil, pgID: String? = nil, storeID: String? = nil,
                channelKey: String? = nil, methods: [String] = []) {
        self.key = key
        self.issued = issued
        self.pgProvider = pgProvider
        self.pgID = pgID
        self.storeID = storeID
        self.channelKey = channelKey
        self.methods = methods
    }
}

/// What charging a billing key now gave.
public enum BillingChargeOutcome: Sendable, Equatable {
    /// A payment exists; it is judged like any other (it may itself be `failed`).
    case made(ProviderPayment)
    /// The card company said no before any payment was recorded: the message is theirs, for the buyer.
    case declined(message: String?)
}

/// A charge scheduled with the provider, as the provider now reports it.
public struct ScheduledCharge: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Not run yet.
        case waiting
        /// It ran: `paymentID` is the provider's id of the payment it made (V1 `imp_uid`, V2 `paymentId`).
        case ran(paymentID: String)
        case revoked
    }

    public var merchantUID: String
    public var state: State

    public init(merchantUID: String, state: State) {
        self.merchantUID = merchantUID
        self.state = state
    }
}

/// The seam between subscriptions (SPEC §5, §12) and a provider's billing-key API: `IamportClient` (V1
/// `/subscribe/*`) and `PortOneClient` (V2 `/billing-keys`, `/payments/{id}/billing-key`, `/payment-schedules`).
/// Keys and order numbers passed in must already be validated: they go into URL paths.
public protocol BillingProvider: AnyObject {
    /// The key's record; `.notFound` when the provider has none under it.
    func billingKey(_ key: String) throws(ProviderError) -> BillingKeyRecord

    /// Charges the key now under `charge.merchantUID`, for `charge.amount`.
    func charge(key: String, _ charge: BillingCharge) throws(ProviderError) -> BillingChargeOutcome

    /// Schedules one charge of the key at `charge.scheduleAt`. The provider refuses a second schedule under the same
    /// order number.
    func schedule(key: String, _ charge: BillingCharge) throws(ProviderError)

    /// The scheduled charge under `merchantUID` made with `key`; nil when the provider has none (or it is another
    /// key's).
    func scheduledCharge(merchantUID: String, key: String) throws(ProviderError) -> ScheduledCharge?

    /// Revokes every charge still scheduled on the key; having none left is success.
    func revokeSchedules(key: String) throws(ProviderError)

    /// Deletes the key, so nothing can charge it again; a key already gone is success.
    func deleteBillingKey(_ key: String) throws(ProviderError)

    /// The newest payment made under an order number (a first charge whose answer was lost).
    func payment(merchantUID: String) throws(ProviderError) -> ProviderPayment
}

/// The seam between 성인인증 (SPEC §6, §12) and a provider's identity verification API: `IamportClient`
/// (`GET /certifications/{imp_uid}`) and `PortOneClient` (`GET /identity-verifications/{id}`).
public protocol IdentityProvider: AnyObject {
    /// The verification, reduced to what the decision may read; `.notFound` when there is none. `id` must already be
    /// validated (`IdentityVerificationID.isValid`).
    func identityVerification(id: String) throws(ProviderError) -> IdentityVerification
}

/// Everything the verify function asks of a shop's provider.
public typealias ShopProvider = PaymentProvider & BillingProvider & IdentityProvider

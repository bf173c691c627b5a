import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An identity verification reduced to what the decision may read, whichever provider made it. The name, phone,
/// gender and CI/DI the providers also return are not decoded at all: nothing can log or store what was never read.
public struct IdentityVerification: Sendable, Equatable {
    /// V1: the certification's `imp_uid`; V2: the `identityVerificationId` the page made.
    public var id: String
    /// The order it was made for (V1: its `merchant_uid`; V2: read from its id, see `IdentityVerificationID`).
    public var merchantUID: String?
    /// The PG that verified, for the ledger (`danal`, `DANAL`).
    public var provider: String?
    /// V1 `certified`; V2 status `VERIFIED`.
    public var verified: Bool
    /// Unix seconds; 0 when unknown.
    public var verifiedAt: Int
    /// `YYYY-MM-DD`.
    public var birthDate: String?

    public init(id: String, merchantUID: String?, provider: String?, verified: Bool, verifiedAt: Int, birthDate: String?) {
        self.id = id
        self.merchantUID = merchantUID
        self.provider = provider
        self.verified = verified
        self.verifiedAt = verifiedAt
        self.birthDate = birthDate
    }

    /// Whether it makes its person an adult today, whatever order it was made for (`/identity`'s question).
    public func isAdult(now: Int) -> Bool {
        verified && birthDate.flatMap { Adulthood.isAdult(birthday: $0, at: now) } == true
    }
}

/// The id a page gives a V2 identity verification: the order's merchant_uid and `-iv`, so the verification names
/// the one order it may vouch for (V2 has no field for it), and carries the shop's order prefix. V1 certifications
/// are `imp_…` and carry their `merchant_uid` themselves.
public enum IdentityVerificationID {
    public static let suffix = "-iv"

    public static func make(for merchantUID: String) -> String { merchantUID + suffix }

    /// The order a V2 id was made for; nil when it is not one of the ids the pages make.
    public static func merchantUID(of id: String) -> String? {
        guard id.hasSuffix(suffix) else { return nil }
        let order = String(id.dropLast(suffix.count))
        return PaymentReference.isMerchantUID(order) ? order : nil
    }

    /// Whether `id` may be looked up: V1 an `imp_` followed by digits; V2 an id made for one of this shop's orders.
    public static func isValid(_ id: String, kind: ProviderKind, prefix: String) -> Bool {
        switch kind {
        case .iamport: return PaymentReference.isIMPUID(id)
        case .portone: return merchantUID(of: id).map { $0.hasPrefix(prefix) } ?? false
        }
    }
}

/// What Gage reads of a V1 certification (`CertificationAnnotation`); nothing personal but the birthday.
public struct IamportCertification: Decodable, Sendable, Equatable {
    public var impUID: String
    public var merchantUID: String?
    public var pgProvider: String?
    public var certified: Bool
    /// Unix seconds; 0 when unknown.
    public var certifiedAt: Int
    /// `YYYY-MM-DD`.
    public var birthday: String?

    public init(impUID: String, merchantUID: String?, pgProvider: String?, certified: Bool, certifiedAt: Int,
                birthday: String?) {
        self.impUID = impUID
        self.merchantUID = merchantUID
        self.pgProvider = pgProvider
        self.certified = certified
        self.certifiedAt = certifiedAt
        self.birthday = birthday
    }

    enum CodingKeys: String, CodingKey {
        case impUID = "imp_uid", merchantUID = "merchant_uid", pgProvider = "pg_provider", certified
        case certifiedAt = "certified_at", birthday
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        impUID = try container.decode(String.self, forKey: .impUID)
        merchantUID = try container.decodeIfPresent(String.self, forKey: .merchantUID)
        pgProvider = try container.decodeIfPresent(String.self, forKey: .pgProvider)
        certified = try container.decodeIfPresent(Bool.self, forKey: .certified) ?? false
        certifiedAt = try container.decodeIfPresent(Int.self, forKey: .certifiedAt) ?? 0
        birthday = try container.decodeIfPresent(String.self, forKey: .birthday)
    }

    public var verification: IdentityVerification {
        IdentityVerification(id: impUID, merchantUID: merchantUID, provider: pgProvider, verified: certified,
                             verifiedAt: certifiedAt, birthDate: birthday)
    }
}

/// How the identity verification an order names stands (SPEC §6), found before the decision and read by it.
public enum IdentityEvidence: Sendable, Equatable {
    /// An adult by the year rule, certified for this order, recently.
    case adult(certification: String, provider: String?, certifiedAt: Int)
    /// The page sent no `custom_data.certification`.
    case missing
    /// Iamport has no such certification.
    case unknown
    case notCertified
    /// Made for another order's merchant_uid (or none).
    case otherOrder
    /// Made too long before (or after) the payment.
    case stale
    case minor
    /// The birthday could not be read.
    case unreadable

    /// How long before the payment a certification still counts, and the clock skew allowed after it.
    public static let maximumAge = 3600
    public static let allowedSkew = 600

    /// Reads a verification against the payment it should vouch for.
    public static func assess(_ verification: IdentityVerification, for payment: ProviderPayment,
                              now: Int) -> IdentityEvidence {
        guard verification.verified else { return .notCertified }
        guard let owner = verification.merchantUID, owner == payment.merchantUID else { return .otherOrder }
        let paymentTime = [payment.startedAt, payment.paidAt].first { $0 > 0 } ?? now
        guard verification.verifiedAt > 0,
              verification.verifiedAt >= paymentTime - maximumAge,
              verification.verifiedAt <= paymentTime + allowedSkew else { return .stale }
        guard let birthday = verification.birthDate,
              let adult = Adulthood.isAdult(birthday: birthday, at: verification.verifiedAt) else { return .unreadable }
        guard adult else { return .minor }
        return .adult(certification: verification.id, provider: verification.provider, certifiedAt: verification.verifiedAt)
    }

    /// The verification id the page put in `custom_data.certification`, if it is one the shop's pages make.
    public static func claimedCertification(_ customData: String?, kind: ProviderKind = .iamport,
                                            prefix: String = "") -> String? {
        struct Claim: Decodable { var certification: String? }
        guard let text = customData,
              let claim = try? JSONDecoder().decode(Claim.self, from: Data(text.utf8)).certification,
              IdentityVerificationID.isValid(claim, kind: kind, prefix: prefix) else { return nil }
        return claim
    }
}

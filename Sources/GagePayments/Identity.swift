import GageCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What Gage reads of an identity verification (`CertificationAnnotation`). The name, phone, gender and CI/DI
/// Iamport also returns are not decoded at all: nothing can log or store what was never read.
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

    /// Reads a certification against the payment it should vouch for.
    public static func assess(_ certification: IamportCertification, for payment: ProviderPayment,
                              now: Int) -> IdentityEvidence {
        guard certification.certified else { return .notCertified }
        guard let owner = certification.merchantUID, owner == payment.merchantUID else { return .otherOrder }
        let paymentTime = [payment.startedAt, payment.paidAt].first { $0 > 0 } ?? now
        guard certification.certifiedAt > 0,
              certification.certifiedAt >= paymentTime - maximumAge,
              certification.certifiedAt <= paymentTime + allowedSkew else { return .stale }
        guard let birthday = certification.birthday,
              let adult = Adulthood.isAdult(birthday: birthday, at: certification.certifiedAt) else { return .unreadable }
        guard adult else { return .minor }
        return .adult(certification: certification.impUID, provider: certification.pgProvider,
                      certifiedAt: certification.certifiedAt)
    }

    /// The certification imp_uid the page put in `custom_data.certification`, if it looks like one.
    public static func claimedCertification(_ customData: String?) -> String? {
        struct Claim: Decodable { var certification: String? }
        guard let text = customData,
              let claim = try? JSONDecoder().decode(Claim.self, from: Data(text.utf8)).certification,
              PaymentReference.isIMPUID(claim) else { return nil }
        return claim
    }
}

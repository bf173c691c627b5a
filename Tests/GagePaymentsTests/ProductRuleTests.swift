import Testing
@testable import GageCore
@testable import GagePayments

/// Rules that depend on the product bind whichever catalog version priced the order (SPEC §9).
@Suite struct ProductRuleTests {
    static func version(adult: Bool) -> Catalog {
        var copy = catalog
        copy.products[0].adultOnly = adult
        return copy
    }

    static func judge(pricing: Catalog, current: Catalog, identity: IdentityEvidence?) -> Judgement {
        Judgement.judge(payment(), .init(pricing: pricing, current: current, now: now, identity: identity))
    }

    @Test func test_an_earlier_version_within_grace_does_not_escape_todays_adult_only() {
        let judged = Self.judge(pricing: Self.version(adult: false), current: Self.version(adult: true), identity: .missing)
        #expect(judged == .rejected(reason: "identity_required", expectedAmount: nil, refund: true, alreadyRefunded: false))
    }

    @Test func test_the_pricing_versions_adult_only_binds_after_a_rebuild_drops_it() {
        let judged = Self.judge(pricing: Self.version(adult: true), current: Self.version(adult: false), identity: .missing)
        #expect(judged == .rejected(reason: "identity_required", expectedAmount: nil, refund: true, alreadyRefunded: false))
    }

    @Test func test_an_adult_certification_satisfies_either_version() {
        let adult = IdentityEvidence.adult(certification: "imp_9", provider: "danal", certifiedAt: now)
        guard case .paid = Self.judge(pricing: Self.version(adult: true), current: Self.version(adult: false),
                                      identity: adult) else {
            Issue.record("an adult's order was not paid")
            return
        }
    }

    @Test func test_neither_version_adult_needs_no_certification() {
        guard case .paid = Self.judge(pricing: Self.version(adult: false), current: Self.version(adult: false),
                                      identity: nil) else {
            Issue.record("not paid")
            return
        }
    }
}

/// A virtual account Iamport issued for an order (가상계좌): where the buyer pays, shown on the result page
/// and kept in the ledger.
public struct VirtualAccount: Codable, Sendable, Equatable {
    public var bank: String
    public var number: String
    public var holder: String?
    /// Deposit deadline, Unix seconds.
    public var due: Int?

    public init(bank: String, number: String, holder: String? = nil, due: Int? = nil) {
        self.bank = bank
        self.number = number
        self.holder = holder
        self.due = due
    }
}

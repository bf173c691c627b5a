extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line breaks, Unicode spaces).
    /// The standard library's `isWhitespace` over Characters: Foundation's `trimmingCharacters(in:)` goes through
    /// NSString, whose first use costs a short-lived process like gage-verify a noticeable part of its start.
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}

extension Unicode.Scalar {
    /// Unicode's White_Space property (PropList.txt), which `properties.isWhitespace` answers with a table lookup
    /// per scalar — 3 % of a 10,000-product build spent on the Hangul of the search index's descriptions. The set is
    /// small and stable; a test compares the two over every scalar.
    public var isWhiteSpace: Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}

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

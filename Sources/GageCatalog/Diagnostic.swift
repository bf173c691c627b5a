/// One problem found in a shop's source, reported as `path:line: what is wrong — how to fix it`.
public struct Diagnostic: Error, Equatable, Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Path relative to the shop's source folder, e.g. `content/products/yirgacheffe.md`.
    public var file: String
    /// 1-based line in `file`, when the problem has one.
    public var line: Int?
    public var message: String
    /// How to fix it.
    public var hint: String?

    public init(file: String, line: Int?, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": " + message
        if let hint { text += " — " + hint }
        return text
    }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line ?? 0, lhs.message) < (rhs.file, rhs.line ?? 0, rhs.message)
    }
}

/// The whole list of problems found in one pass, so an author fixes them all at once.
public struct BuildErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// Whether the problems came while writing the output, after the other files were written.
    public var whileWriting: Bool

    public init(_ diagnostics: [Diagnostic], whileWriting: Bool = false) {
        self.diagnostics = diagnostics.sorted()
        self.whileWriting = whileWriting
    }

    public var description: String {
        let count = diagnostics.count
        let lines = diagnostics.map { "error: \($0)" }
        let outcome = whileWriting ? "the other files were written and nothing was removed" : "nothing was written"
        return (lines + ["\(count) error\(count == 1 ? "" : "s") found; \(outcome)."]).joined(separator: "\n")
    }
}

/// "Did you mean …?" for a misspelt key: the closest candidate within a small edit distance.
enum Suggestion {
    static func closest(to word: String, among candidates: [String]) -> String? {
        // A key cut short or run on (`merchant` for `merchant_code`) is as likely as a typo.
        let lowered = word.lowercased()
        if lowered.count >= 4, let extended = candidates.first(where: {
            $0.lowercased().hasPrefix(lowered) || lowered.hasPrefix($0.lowercased())
        }) {
            return extended
        }
        let target = Array(lowered)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()))
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(1, min(3, target.count / 3 + 1)) else { return nil }
        return best.candidate
    }

    /// Damerau–Levenshtein (optimal string alignment) distance, so `prcie` is one step from `price`.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}

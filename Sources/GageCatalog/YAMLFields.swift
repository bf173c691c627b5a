import GageCore
import Yams

/// Collects the diagnostics of one file. A class so nested readers append to the same list.
final class DiagnosticLog {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Problems that do not stop a build but that the author should hear of (`gage check`, `gage build`).
    private(set) var warnings: [Diagnostic] = []

    init(file: String) { self.file = file }

    func error(line: Int?, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(file: file, line: line, message: message, hint: hint))
    }

    func warning(line: Int?, _ message: String, hint: String? = nil) {
        warnings.append(Diagnostic(file: file, line: line, message: message, hint: hint))
    }
}

/// A free-form front-matter value (`params:`), kept typed so it can cross threads and reach templates.
public enum FrontMatterValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case list([FrontMatterValue])
    case map([String: FrontMatterValue])
    case null

    init(_ node: Node) {
        switch node {
        case .scalar:
            switch node.tagName {
            case .int: self = node.int.map(FrontMatterValue.int) ?? .string(node.string ?? "")
            case .float: self = node.float.map(FrontMatterValue.double) ?? .string(node.string ?? "")
            case .bool: self = node.bool.map(FrontMatterValue.bool) ?? .string(node.string ?? "")
            case .null: self = .null
            default: self = .string(node.string ?? "")
            }
        case let .sequence(sequence): self = .list(sequence.map(FrontMatterValue.init))
        case let .mapping(mapping):
            var map: [String: FrontMatterValue] = [:]
            for (key, value) in mapping { map[key.string ?? ""] = FrontMatterValue(value) }
            self = .map(map)
        case .alias: self = .null
        }
    }

    /// The value as templates see it.
    public var templateValue: Any {
        switch self {
        case let .string(value): return value
        case let .int(value): return value
        case let .double(value): return value
        case let .bool(value): return value
        case let .list(values): return values.map(\.templateValue)
        case let .map(map): return map.mapValues(\.templateValue)
        case .null: return ""
        }
    }
}

/// Reads one YAML mapping into typed values. Every wrong key or type is logged with its line and a fix,
/// and reading goes on, so one run reports every problem.
struct YAMLFields {
    let mapping: Node.Mapping
    let log: DiagnosticLog
    /// Added to Yams' line numbers: the YAML of a front-matter block starts below the opening `---`.
    let lineOffset: Int
    /// Where this mapping sits, for messages about nested keys (`options[1].`).
    let prefix: String
    let line: Int?

    /// Each key's value with its YAML type, resolved once: Yams resolves a scalar's type with regular
    /// expressions every time it is asked, and that was a large part of loading a big catalog.
    private let index: [String: (node: Node, tag: Tag.Name)]

    init(_ mapping: Node.Mapping, log: DiagnosticLog, lineOffset: Int, prefix: String = "", line: Int? = nil) {
        self.mapping = mapping
        self.log = log
        self.lineOffset = lineOffset
        self.prefix = prefix
        self.line = line ?? mapping.mark.map { $0.line + lineOffset }
        var index: [String: (node: Node, tag: Tag.Name)] = [:]
        for (key, value) in mapping {
            guard let name = key.string, index[name] == nil else { continue }
            index[name] = (value, value.tagName)
        }
        self.index = index
    }

    func line(of node: Node) -> Int? {
        node.mark.map { $0.line + lineOffset }
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// The value for `key`, or nil when the key is missing or explicitly empty (`key:` / `key: null`).
    func value(_ key: String) -> Node? {
        typedValue(key)?.node
    }

    private func typedValue(_ key: String) -> (node: Node, tag: Tag.Name)? {
        guard let found = index[key] else { return nil }
        if case .scalar = found.node, found.tag == .null { return nil }
        return found
    }

    /// Logs every key not in `allowed`, with a did-you-mean.
    func rejectUnknownKeys(allowed: [String], what: String) {
        for (key, _) in mapping {
            let name = key.string ?? ""
            guard !allowed.contains(name) else { continue }
            let hint: String
            if let guess = Suggestion.closest(to: name, among: allowed) {
                hint = "did you mean '\(guess)'?"
            } else {
                hint = "\(what) keys are: \(allowed.joined(separator: ", "))"
            }
            log.error(line: line(of: key), "unknown key '\(prefix)\(name)'", hint: hint)
        }
    }

    func missing(_ key: String, hint: String) {
        log.error(line: line, "missing '\(prefix)\(key)'", hint: hint)
    }

    /// A scalar read as text. Numbers and booleans are accepted as their written form (`sku: 1234`).
    func string(_ key: String) -> String? {
        guard let node = value(key) else { return nil }
        guard case .scalar = node, let text = node.string else {
            log.error(line: line(of: node), "'\(prefix)\(key)' must be text, not a \(kind(of: node))",
                      hint: "write it on one line, e.g. \(key): some text")
            return nil
        }
        return text
    }

    func int(_ key: String) -> Int? {
        guard let (node, tag) = typedValue(key) else { return nil }
        if case .scalar = node, tag == .int, let number = node.int { return number }
        let written = node.string ?? ""
        var hint = "write a whole number such as \(key): 18000"
        if case let .scalar(scalar) = node, scalar.style != .plain, Int(written) != nil {
            hint = "remove the quotes: \(key): \(written)"
        } else if Int(written.filter { $0 != "," && $0 != "_" && $0 != "원" }.trimmingWhitespace()) != nil {
            hint = "write the number without separators or units: \(key): \(written.filter(\.isNumber))"
        } else if tag == .float {
            hint = "amounts are whole numbers of won: \(key): \(written.split(separator: ".").first ?? "0")"
        }
        log.error(line: line(of: node), "'\(prefix)\(key)' must be a whole number, not \(describe(node))", hint: hint)
        return nil
    }

    func bool(_ key: String) -> Bool? {
        guard let (node, tag) = typedValue(key) else { return nil }
        if case .scalar = node, tag == .bool, let flag = node.bool { return flag }
        log.error(line: line(of: node), "'\(prefix)\(key)' must be true or false, not \(describe(node))",
                  hint: "write \(key): true or \(key): false")
        return nil
    }

    /// A list of texts. A single text is taken as a one-item list (`tags: 원두`).
    func stringList(_ key: String) -> [String]? {
        guard let node = value(key) else { return nil }
        switch node {
        case .scalar:
            return node.string.map { [$0] }
        case let .sequence(sequence):
            var items: [String] = []
            for item in sequence {
                if case .scalar = item, let text = item.string, item.tagName != .null {
                    items.append(text)
                } else {
                    log.error(line: line(of: item), "each item of '\(prefix)\(key)' must be text, not \(describe(item))",
                              hint: "write \(key): [first, second]")
                }
            }
            return items
        default:
            log.error(line: line(of: node), "'\(prefix)\(key)' must be a list, not a \(kind(of: node))",
                      hint: "write \(key): [first, second]")
            return nil
        }
    }

    func sequence(_ key: String) -> Node.Sequence? {
        guard let node = value(key) else { return nil }
        guard case let .sequence(sequence) = node else {
            log.error(line: line(of: node), "'\(prefix)\(key)' must be a list, not \(describe(node))",
                      hint: "start each item on its own line with '- '")
            return nil
        }
        return sequence
    }

    func fields(_ key: String) -> YAMLFields? {
        guard let node = value(key) else { return nil }
        guard case let .mapping(nested) = node else {
            log.error(line: line(of: node), "'\(prefix)\(key)' must be a set of keys, not \(describe(node))",
                      hint: "indent its keys below '\(key):'")
            return nil
        }
        return YAMLFields(nested, log: log, lineOffset: lineOffset, prefix: "\(prefix)\(key).")
    }

    /// The line of a key, following nested mappings (`checkout`, `escrow`), without logging anything when the
    /// path is missing or not a mapping (for warnings about settings read and checked elsewhere).
    func quietLine(of path: String...) -> Int? {
        var mapping = self.mapping
        var line: Int?
        for key in path {
            guard let entry = mapping.first(where: { $0.key.string == key }) else { return line }
            line = self.line(of: entry.key)
            guard case let .mapping(nested) = entry.value else { return line }
            mapping = nested
        }
        return line
    }

    func kind(of node: Node) -> String {
        switch node {
        case .scalar: return "single value"
        case .sequence: return "list"
        case .mapping: return "set of keys"
        case .alias: return "alias"
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar: return "'\(node.string ?? "")'"
        default: return "a \(kind(of: node))"
        }
    }
}

extension Node {
    /// The YAML type (`int`, `str`, `null`, …) of the node, an untagged plain scalar's by Yams' default rules
    /// whichever resolver it was composed with (front matter is composed with `Resolver.basic`).
    var tagName: Tag.Name {
        if case let .scalar(scalar) = self, scalar.tag.rawValue.isEmpty {
            // The default resolver tries each of its regular expressions in turn, and a text (most of a product
            // file: a Korean title, a summary, tags) fails all seven. None of them matches a scalar whose first
            // character is not one of these, so such a scalar is a string.
            if let first = scalar.string.utf8.first, !Self.startsOfTypedScalars.contains(first) { return .str }
            return Resolver.default.resolveTag(of: self)  // `key:` with nothing after it is null
        }
        return Tag.Name(rawValue: tag.rawValue)
    }

    /// First characters of the plain scalars `Resolver.default` reads as bool (yes, on, true, …), null (~, null),
    /// int, float (.5, .inf, .nan), timestamp, merge (<<) and value (=).
    static let startsOfTypedScalars = Set("yYnNoOtTfF~+-.0123456789<=".utf8)
}

import Yams

/// A content file split into its YAML front matter and its Markdown body.
struct FrontMatterDocument {
    /// The YAML between the `---` fences.
    var yaml: String
    /// The file line the YAML starts on, minus one: Yams counts from the YAML's first line.
    var yamlLineOffset: Int
    var body: String

    /// Splits `text` (CRLF or LF, optional BOM). Throws a diagnostic when the fences are missing.
    /// Works on the UTF-8 bytes: this runs once per product, and Character-level scanning is costly.
    static func split(_ text: String, file: String) throws(Diagnostic) -> FrontMatterDocument {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.contains(13) { bytes.removeAll { $0 == 13 } }  // CRLF → LF (a lone CR is no line break in YAML either)
        // Whether a line is a fence (`---`, or `...` to close), ignoring trailing blanks.
        func isFence(_ line: ArraySlice<UInt8>, closing: Bool) -> Bool {
            var end = line.endIndex
            while end > line.startIndex, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
            let trimmed = line[line.startIndex..<end]
            return trimmed.elementsEqual("---".utf8) || (closing && trimmed.elementsEqual("...".utf8))
        }
        func lineEnd(from start: Int) -> Int { bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex }
        let firstEnd = lineEnd(from: 0)
        guard isFence(bytes[0..<firstEnd], closing: false) else {
            throw Diagnostic(file: file, line: 1, message: "no front matter",
                             hint: "start the file with a line '---', then the YAML keys (title, price, …), then '---'")
        }
        var start = firstEnd + 1
        while start <= bytes.endIndex {
            let end = start < bytes.endIndex ? lineEnd(from: start) : start
            if isFence(bytes[start..<end], closing: true) {
                let yamlStart = firstEnd + 1  // the YAML is every line between the fences, without the last newline
                let yaml = start > yamlStart ? String(decoding: bytes[yamlStart..<(start - 1)], as: UTF8.self) : ""
                let body = end < bytes.endIndex ? String(decoding: bytes[(end + 1)...], as: UTF8.self) : ""
                return FrontMatterDocument(yaml: yaml, yamlLineOffset: 1, body: body)
            }
            if end >= bytes.endIndex { break }
            start = end + 1
        }
        throw Diagnostic(file: file, line: 1, message: "the front matter is never closed",
                         hint: "add a line '---' after the last YAML key")
    }

    /// Parses the YAML into a mapping. Malformed YAML becomes a diagnostic with the line it failed on.
    func mapping(file: String) throws(Diagnostic) -> Node.Mapping {
        let node: Node?
        do {
            // UTF-8 given explicitly: Yams' default reads the whole process environment on every parse.
            // Resolver.basic: the parser's duplicate-key check hashes every key, and hashing a plain scalar
            // resolves its type through up to seven regular expressions (a third of loading a big catalog went
            // there). Values are typed when read instead (`Node.tagName`, with Yams' default rules).
            node = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw Self.diagnostic(for: error, file: file, lineOffset: yamlLineOffset)
        } catch {
            throw Diagnostic(file: file, line: nil, message: "malformed YAML: \(error)")
        }
        guard let node else { return Node.Mapping([]) }
        guard case let .mapping(mapping) = node else {
            throw Diagnostic(file: file, line: node.mark.map { $0.line + yamlLineOffset },
                             message: "the front matter must be a set of 'key: value' lines",
                             hint: "write one key per line, e.g. title: 상품 이름")
        }
        return mapping
    }

    /// Splits a content file and reads its front matter, rejecting keys not in `allowedKeys`. Nil when the file
    /// has no usable front matter (the problem is logged).
    static func fields(of text: String, file: String, allowedKeys: [String], what: String,
                       log: DiagnosticLog) -> (fields: YAMLFields, body: String)? {
        do {
            let document = try split(text, file: file)
            let fields = YAMLFields(try document.mapping(file: file), log: log, lineOffset: document.yamlLineOffset,
                                    line: 1)
            fields.rejectUnknownKeys(allowed: allowedKeys, what: what)
            return (fields, document.body)
        } catch {
            log.error(line: error.line, error.message, hint: error.hint)
            return nil
        }
    }

    static func diagnostic(for error: YamlError, file: String, lineOffset: Int) -> Diagnostic {
        let hint = "check the indentation and quote values that contain ':' or '#', e.g. title: \"A: B\""
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "malformed YAML: \(problem)"
            if let context { message += " (\(context.text) on line \(context.mark.line + lineOffset))" }
            return Diagnostic(file: file, line: mark.line + lineOffset, message: message, hint: hint)
        case let .duplicatedKeysInMapping(duplicates, context):
            return Diagnostic(file: file, line: context.mark.line + lineOffset,
                              message: "the key '\(duplicates.joined(separator: "', '"))' is written twice",
                              hint: "keep one of them")
        case let .reader(problem, _, _, _):
            return Diagnostic(file: file, line: nil, message: "unreadable YAML: \(problem)",
                              hint: "save the file as UTF-8")
        default:
            return Diagnostic(file: file, line: nil, message: "malformed YAML: \(error)", hint: hint)
        }
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        var text = self
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}

import Yams

/// A content file split into its YAML front matter and its Markdown body.
struct FrontMatterDocument {
    /// The YAML between the `---` fences.
    var yaml: String
    /// The file line the YAML starts on, minus one: Yams counts from the YAML's first line.
    var yamlLineOffset: Int
    var body: String

    /// Splits `text` (CRLF or LF, optional BOM). Throws a diagnostic when the fences are missing.
    static func split(_ text: String, file: String) throws(Diagnostic) -> FrontMatterDocument {
        var normalized = text
        if normalized.hasPrefix("\u{FEFF}") { normalized.removeFirst() }
        if normalized.contains("\r\n") { normalized = normalized.replacing("\r\n", with: "\n") }
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingTrailingSpaces() == "---" else {
            throw Diagnostic(file: file, line: 1, message: "no front matter",
                             hint: "start the file with a line '---', then the YAML keys (title, price, …), then '---'")
        }
        guard let closing = lines.indices.dropFirst().first(where: {
            let line = lines[$0].trimmingTrailingSpaces()
            return line == "---" || line == "..."
        }) else {
            throw Diagnostic(file: file, line: 1, message: "the front matter is never closed",
                             hint: "add a line '---' after the last YAML key")
        }
        let yaml = lines[1..<closing].joined(separator: "\n")
        let body = lines[(closing + 1)...].joined(separator: "\n")
        return FrontMatterDocument(yaml: yaml, yamlLineOffset: 1, body: body)
    }

    /// Parses the YAML into a mapping. Malformed YAML becomes a diagnostic with the line it failed on.
    func mapping(file: String) throws(Diagnostic) -> Node.Mapping {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
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

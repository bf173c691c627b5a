import Foundation
import GageCore

/// The search index in pieces, so that a query on a phone fetches only what it needs (issue 39: at 10,000
/// products `search.json` is ~1 MB gzipped). Written by `build` under `search-index/`:
///
/// - `search-index/manifest.json` — `{"block", "folder", "products", "shards", "version"}`: the one file at a
///   fixed address; it names the build's folder, `search-index/<fingerprint>/`, whose files never change, so a
///   browser never mixes the pieces of two builds.
/// - `<fingerprint>/s<n>.json` — posting lists by key: `1c` a character, `2cd` two adjacent characters. For each
///   key, one list per field (title, tags, summary, description, keywords, the title's 초성, and for characters
///   the titles that start with it). A character's lists hold products (as gaps between product numbers); a
///   pair's hold, per product, where in the field it occurs (`gap, first position, gaps…`, the last written as
///   `-(gap + 1)`: `3,-138` is the third product on, at 137), so that the
///   browser checks a longer word exactly by chaining pairs at consecutive positions.
///   A pair `cd` is in the shard of `c` and d's initial consonant (`드립` with `드ㄹ`), so the one shard of
///   `드ㄹ` has every pair a half-typed `드ㄹ` can match.
/// - `<fingerprint>/r<n>.json` — what a hit shows (`[title, url, price, summary]`), `block` products per file in
///   the shop's order; only the blocks of the hits shown are fetched.
///
/// The texts are normalised as search.js's `normalizeText` does (NFC, lower case, no white space), so the results
/// are those of the matcher over `search.json`; assets/js/search-shards.js does the matching.
enum SearchShards {
    static let folder = "search-index/"
    /// Products per display block: eight hits cost at most eight small files.
    static let block = 32
    /// Bytes of posting text per shard before compression (about a quarter gzipped): a word of four pairs
    /// fetches a few shards, well within 150 KB.
    static let shardBytes = 40 * 1024
    static let maximumShards = 4096

    /// Fields in weight order (search.js's FIELD_WEIGHTS), then the title's initials and the titles' first
    /// characters.
    static let titleInitialsField = 5
    static let titleStartField = 6
    static let fieldCount = 7

    static let unigram: UInt64 = 1, bigram: UInt64 = 2

    /// One product's occurrences of one key in one field; positions are empty for one-character keys.
    struct Posting: Sendable {
        let key: UInt64
        let field: Int
        let positions: [Int32]
    }

    static func key(_ type: UInt64, _ first: Unicode.Scalar, _ second: UInt32 = 0) -> UInt64 {
        type << 42 | UInt64(first.value) << 21 | UInt64(second)
    }

    // MARK: - Text, as search.js sees it

    /// JavaScript's `\s`: removed from the text (search.js turns runs of it into a space, then drops spaces).
    static func isJavaScriptSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// NFC, lower case (a Mac writes 한글 decomposed), without white space: the text search.js matches.
    static func compact(_ text: String) -> [Unicode.Scalar] {
        text.precomposedStringWithCanonicalMapping.lowercased().unicodeScalars.filter { !isJavaScriptSpace($0) }
    }

    static let hangulFirst: UInt32 = 0xAC00, hangulLast: UInt32 = 0xD7A3, syllablesPerInitial: UInt32 = 588
    static let initialConsonants = Array("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ".unicodeScalars)

    /// A syllable's initial consonant (초성), nil for anything else.
    static func initial(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
        guard scalar.value >= hangulFirst, scalar.value <= hangulLast else { return nil }
        return initialConsonants[Int((scalar.value - hangulFirst) / syllablesPerInitial)]
    }

    // MARK: - One product

    /// The postings of one product's fields, in weight order: title, tags, summary, description, keywords.
    static func postings(fields: [String]) -> [Posting] {
        var found: [UInt64: [Int32]] = [:]   // (key << 3 | field) → positions
        func add(_ key: UInt64, _ field: Int, _ position: Int?) {
            let slot = key << 3 | UInt64(field)
            if let position { found[slot, default: []].append(Int32(position)) } else if found[slot] == nil { found[slot] = [] }
        }
        func index(_ text: [Unicode.Scalar], field: Int) {
            for (position, scalar) in text.enumerated() {
                add(key(unigram, scalar), field, nil)
                if position + 1 < text.count { add(key(bigram, scalar, text[position + 1].value), field, position) }
            }
        }
        for (field, text) in fields.enumerated() {
            let scalars = compact(text)
            index(scalars, field: field)
            if field == 0 {
                if let first = scalars.first { add(key(unigram, first), titleStartField, nil) }
                index(scalars.map { initial(of: $0) ?? $0 }, field: titleInitialsField)
            }
        }
        return found.map { Posting(key: $0.key >> 3, field: Int($0.key & 7), positions: $0.value) }
    }

    // MARK: - The files

    /// The posting text of one key, field by field, as it is put together product by product.
    struct KeyLists {
        var fields = [[UInt8]](repeating: [], count: SearchShards.fieldCount)
        var last = [Int32](repeating: 0, count: SearchShards.fieldCount)

        mutating func add(product: Int32, _ posting: Posting) {
            let field = posting.field
            if !fields[field].isEmpty { fields[field].append(UInt8(ascii: ",")) }
            appendNumber(Int(product - last[field]), to: &fields[field])
            last[field] = product
            // Positions as gaps, the last one written as -(gap + 1): most products have one, `3,-138`.
            let positions = posting.positions.sorted()
            var previous: Int32 = 0
            for (index, position) in positions.enumerated() {
                fields[field].append(UInt8(ascii: ","))
                let gap = Int(position - previous)
                appendNumber(index == positions.count - 1 ? -gap - 1 : gap, to: &fields[field])
                previous = position
            }
        }

        var byteCount: Int { fields.reduce(0) { $0 + $1.count + 3 } }
    }

    static func appendNumber(_ number: Int, to bytes: inout [UInt8]) {
        if number < 0 {
            bytes.append(UInt8(ascii: "-"))
            return appendNumber(-number, to: &bytes)
        }
        if number >= 10 { appendNumber(number / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    /// The shard a key is in: FNV-1a over the key's type, its first character and its second's initial
    /// consonant (or the character itself when it is not a syllable), mixed (MurmurHash3's finaliser) so that the
    /// low bits depend on all of them; assets/js/search-shards.js computes the same.
    static func shard(of key: UInt64, shards: Int) -> Int {
        var hash: UInt32 = 2_166_136_261
        let second = UInt32(key & 0x1F_FFFF)
        let group = Unicode.Scalar(second).flatMap(initial(of:))?.value ?? second
        for value in [UInt32(key >> 42), UInt32(key >> 21 & 0x1F_FFFF), group] {
            hash ^= value
            hash = hash &* 16_777_619
        }
        hash ^= hash >> 16
        hash = hash &* 0x85EB_CA6B
        hash ^= hash >> 13
        hash = hash &* 0xC2B2_AE35
        hash ^= hash >> 16
        return Int(hash % UInt32(shards))
    }

    /// `1c`, `2cd` as a JSON string.
    static func keyName(_ key: UInt64) -> String {
        var text = String(key >> 42)
        for value in [UInt32(key >> 21 & 0x1F_FFFF), UInt32(key & 0x1F_FFFF)] where value != 0 {
            if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
        }
        return jsonString(text)
    }

    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Every file under `search-index/`, from each product's postings and display row (`[title, url, price,
    /// summary]` as JSON), in the shop's order.
    static func files(postings: [[Posting]], displays: [String]) -> [OutputFile] {
        var keys: [UInt64: KeyLists] = [:]
        for (product, list) in postings.enumerated() {
            for posting in list { keys[posting.key, default: KeyLists()].add(product: Int32(product), posting) }
        }
        let total = keys.values.reduce(0) { $0 + $1.byteCount }
        var shards = 1
        while shards < maximumShards, total / shards > shardBytes { shards *= 2 }
        var byShard = [[UInt64]](repeating: [], count: shards)
        for key in keys.keys { byShard[shard(of: key, shards: shards)].append(key) }
        let shardTexts = byShard.map { shardKeys -> String in
            var bytes: [UInt8] = Array("{".utf8)
            for (index, key) in shardKeys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += Array(keyName(key).utf8)
                bytes += Array(":[".utf8)
                let lists = keys[key]!.fields
                let used = (lists.lastIndex { !$0.isEmpty } ?? -1) + 1   // trailing empty fields left out
                for field in 0..<used {
                    if field > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes.append(UInt8(ascii: "["))
                    bytes += lists[field]
                    bytes.append(UInt8(ascii: "]"))
                }
                bytes.append(UInt8(ascii: "]"))
            }
            bytes += Array("}\n".utf8)
            return String(decoding: bytes, as: UTF8.self)
        }
        let blockTexts = stride(from: 0, to: displays.count, by: block).map { start in
            "[" + displays[start..<min(start + block, displays.count)].joined(separator: ",") + "]\n"
        }
        // The folder is named by everything in it.
        var hash = ContentHash()
        for text in shardTexts + [""] + blockTexts { hash.add(Array(text.utf8) + [0]) }
        let build = String(hash.hex.prefix(12)) + "/"
        var files = [OutputFile(path: folder + "manifest.json", content: .text(
            "{\"block\":\(block),\"folder\":\"\(build)\",\"products\":\(displays.count),\"shards\":\(shards),\"version\":1}\n"))]
        files += shardTexts.enumerated().map { OutputFile(path: folder + build + "s\($0.offset).json", content: .text($0.element)) }
        files += blockTexts.enumerated().map { OutputFile(path: folder + build + "r\($0.offset).json", content: .text($0.element)) }
        return files
    }
}

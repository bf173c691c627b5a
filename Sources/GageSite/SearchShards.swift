import Dispatch
import Foundation
import GageCore

/// The search index in pieces, so that a query on a phone fetches only what it needs (issue 39: at 10,000
/// products `search.json` is ~1 MB gzipped). Written by `build` under `search-index/`:
///
/// - `search-index/manifest.json` — `{"block", "blocks", "products", "shards", "version"}`: the one file at a
///   fixed address; it names every other file by its content's hash (`shards[n]` is `s<n>.<hash>.json`), so a
///   browser never mixes the pieces of two builds, and an edit under `gage serve` writes only the files it
///   changed.
/// - `s<n>.<hash>.json` — posting lists by key: `1c` a character, `2cd` two adjacent characters. For each
///   key, one list per field (title, tags, summary, description, keywords, the title's 초성, and for characters
///   the titles that start with it). A character's lists hold products (as gaps between product numbers); a
///   pair's hold, per product, where in the field it occurs (`gap, first position, gaps…`, the last written as
///   `-(gap + 1)`: `3,-138` is the third product on, at 137), so that the
///   browser checks a longer word exactly by chaining pairs at consecutive positions.
///   A pair `cd` is in the shard of `c` and d's initial consonant (`드립` with `드ㄹ`), so the one shard of
///   `드ㄹ` has every pair a half-typed `드ㄹ` can match.
/// - `r<n>.<hash>.json` — what a hit shows (`[title, url, price, summary]`), `block` products per file in
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

    /// One product's occurrences of one key in one field, positions in increasing order (empty for one-character
    /// keys).
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
        let texts = fields.map(compact)
        var found: [UInt64: [Int32]] = [:]   // (key << 3 | field) → positions
        found.reserveCapacity(texts.reduce(texts[0].count * 2) { $0 + 2 * $1.count })   // no rehashing as it fills
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
        for (field, scalars) in texts.enumerated() {
            index(scalars, field: field)
            if field == 0 {
                if let first = scalars.first { add(key(unigram, first), titleStartField, nil) }
                index(scalars.map { initial(of: $0) ?? $0 }, field: titleInitialsField)
            }
        }
        return found.map { Posting(key: $0.key >> 3, field: Int($0.key & 7), positions: $0.value) }
    }

    // MARK: - The files

    /// One product's occurrences of a key in one field.
    struct Entry: Sendable {
        let product: Int32
        let positions: [Int32]
    }

    /// What one build leaves for the next (`gage serve`): each product's postings, each key's entries and
    /// encoded lists, the shards' texts. An edit of some products changes only their keys' lists and the shards
    /// holding those; the files are the bytes a full build makes.
    final class Memo: @unchecked Sendable {
        var slugs: [String] = []
        var postings: [[Posting]] = []
        var entries: [UInt64: [[Entry]]] = [:]
        var encoded: [UInt64: [UInt8]] = [:]
        var total = 0
        var byShard: [[UInt64]] = []
        var shards: [(text: String, hash: String)] = []
    }

    /// A key's lists as the shard writes them, `[…],[…]`, trailing empty fields left out: per product its gap from
    /// the one before, and for pairs the positions as gaps, the last written as -(gap + 1) (most products have
    /// one: `3,-138`).
    static func encode(_ fields: [[Entry]]) -> [UInt8] {
        var bytes: [UInt8] = []
        let used = (fields.lastIndex { !$0.isEmpty } ?? -1) + 1
        for field in 0..<used {
            if field > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            var last: Int32 = 0
            for (index, entry) in fields[field].enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendNumber(Int(entry.product - last), to: &bytes)
                last = entry.product
                var previous: Int32 = 0
                for (n, position) in entry.positions.enumerated() {
                    bytes.append(UInt8(ascii: ","))
                    let gap = Int(position - previous)
                    appendNumber(n == entry.positions.count - 1 ? -gap - 1 : gap, to: &bytes)
                    previous = position
                }
            }
            bytes.append(UInt8(ascii: "]"))
        }
        return bytes
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

    /// Where `product` is, or would go, among entries in product order.
    static func insertionIndex(of product: Int32, in entries: [Entry]) -> Int {
        var (low, high) = (0, entries.count)
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].product < product { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func shardCount(total: Int) -> Int {
        var shards = 1
        while shards < maximumShards, total / shards > shardBytes { shards *= 2 }
        return shards
    }

    static func shardText(_ keys: [UInt64], _ encoded: [UInt64: [UInt8]]) -> String {
        var bytes: [UInt8] = Array("{".utf8)
        for (index, key) in keys.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Array(keyName(key).utf8)
            bytes += Array(":[".utf8)
            bytes += encoded[key]!
            bytes.append(UInt8(ascii: "]"))
        }
        bytes += Array("}\n".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hash(_ text: String) -> String {
        var hash = ContentHash()
        hash.add(text.utf8)
        return String(hash.hex.prefix(8))
    }

    /// Every file under `search-index/`, from each product's postings and display row (`[title, url, price,
    /// summary]` as JSON), in the shop's order. `changed`: the products (by number) made again since the build
    /// `memo` holds, when the shop's list of products is the same (nil: build it all).
    static func files(slugs: [String], postings: [[Posting]], displays: [String], changed: Set<Int>?,
                      memo: Memo = Memo()) -> [OutputFile] {
        var reshard: Set<Int>? = []   // the shards to write again; nil: every one
        if let changed, memo.slugs == slugs {
            var touched = Set<UInt64>()
            for product in changed.sorted() {
                // Only the keys whose occurrences changed: a new title leaves the description's keys as they were.
                func slots(_ list: [Posting]) -> [UInt64: [Int32]] {
                    Dictionary(list.map { ($0.key << 3 | UInt64($0.field), $0.positions) }, uniquingKeysWith: { a, _ in a })
                }
                let (before, after) = (slots(memo.postings[product]), slots(postings[product]))
                let number = Int32(product)
                for (slot, _) in before where after[slot] == nil || after[slot] != before[slot] {
                    let (key, field) = (slot >> 3, Int(slot & 7))
                    let at = insertionIndex(of: number, in: memo.entries[key]![field])
                    memo.entries[key]![field].remove(at: at)
                    touched.insert(key)
                }
                for (slot, positions) in after where before[slot] != positions {
                    let (key, field) = (slot >> 3, Int(slot & 7))
                    if memo.entries[key] == nil { memo.entries[key] = Array(repeating: [], count: fieldCount) }
                    let at = insertionIndex(of: number, in: memo.entries[key]![field])
                    memo.entries[key]![field].insert(Entry(product: number, positions: positions), at: at)
                    touched.insert(key)
                }
                memo.postings[product] = postings[product]
            }
            let shards = memo.byShard.count
            for key in touched {
                memo.total -= memo.encoded[key]?.count ?? 0
                let known = memo.encoded[key] != nil
                if memo.entries[key]!.allSatisfy(\.isEmpty) {
                    memo.entries[key] = nil
                    memo.encoded[key] = nil
                    memo.byShard[shard(of: key, shards: shards)].removeAll { $0 == key }
                } else {
                    let bytes = encode(memo.entries[key]!)
                    memo.encoded[key] = bytes
                    memo.total += bytes.count
                    if !known {
                        let number = shard(of: key, shards: shards)
                        let at = memo.byShard[number].firstIndex { $0 > key } ?? memo.byShard[number].endIndex
                        memo.byShard[number].insert(key, at: at)
                    }
                }
                reshard?.insert(shard(of: key, shards: shards))
            }
            if shardCount(total: memo.total) != shards { reshard = nil }
        } else {
            var entries: [UInt64: [[Entry]]] = [:]
            for (product, list) in postings.enumerated() {
                for posting in list {
                    entries[posting.key, default: Array(repeating: [], count: fieldCount)][posting.field]
                        .append(Entry(product: Int32(product), positions: posting.positions))
                }
            }
            // Each key's lists are independent: encoded across the cores.
            let keys = Array(entries.keys), lists = keys.map { entries[$0]! }
            let slots = ResultSlots<[UInt8]>(count: keys.count)
            DispatchQueue.concurrentPerform(iterations: keys.count) { slots[$0] = encode(lists[$0]) }
            memo.encoded = Dictionary(uniqueKeysWithValues: zip(keys, slots.values))
            memo.total = memo.encoded.values.reduce(0) { $0 + $1.count }
            memo.entries = entries
            memo.postings = postings
            memo.slugs = slugs
            reshard = nil
        }
        if reshard == nil {
            let shards = shardCount(total: memo.total)
            memo.byShard = Array(repeating: [], count: shards)
            for key in memo.encoded.keys { memo.byShard[shard(of: key, shards: shards)].append(key) }
            for number in 0..<shards { memo.byShard[number].sort() }
            memo.shards = Array(repeating: ("", ""), count: shards)
        }
        let remake = reshard.map { Array($0) } ?? Array(0..<memo.byShard.count)
        let made = ResultSlots<(text: String, hash: String)>(count: remake.count)
        let (byShard, encoded) = (memo.byShard, memo.encoded)
        DispatchQueue.concurrentPerform(iterations: remake.count) { index in
            let text = shardText(byShard[remake[index]], encoded)
            made[index] = (text, hash(text))
        }
        for (number, shard) in zip(remake, made.values) { memo.shards[number] = shard }
        let blocks = stride(from: 0, to: displays.count, by: block).map { start -> (text: String, hash: String) in
            let text = "[" + displays[start..<min(start + block, displays.count)].joined(separator: ",") + "]\n"
            return (text, hash(text))
        }
        func names(_ files: [(text: String, hash: String)]) -> String {
            "[" + files.map { "\"\($0.hash)\"" }.joined(separator: ",") + "]"
        }
        var files = [OutputFile(path: folder + "manifest.json", content: .text(
            "{\"block\":\(block),\"blocks\":\(names(blocks)),\"products\":\(displays.count),\"shards\":\(names(memo.shards)),\"version\":2}\n"))]
        files += memo.shards.enumerated().map {
            OutputFile(path: folder + "s\($0.offset).\($0.element.hash).json", content: .named($0.element.text))
        }
        files += blocks.enumerated().map {
            OutputFile(path: folder + "r\($0.offset).\($0.element.hash).json", content: .named($0.element.text))
        }
        return files
    }
}

import GageCore
import GageLedger
import Glibc
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// catalog.json as the verify function last decoded it, kept in the cache folder (`GAGE_CACHE_DIR`) as an
/// SQLite file with a row per product, so that later invocations look up the few SKUs an order names instead of
/// decoding every product (10,000 products cost ~45 ms per verification otherwise).
///
/// The index stands for one state of the file: it is used only while catalog.json's stamp — device, inode,
/// size, modification and change times in nanoseconds, what git trusts for its index — is the one it was made
/// from. Rewriting, copying or renaming catalog.json changes the stamp (the change time cannot be set back), and
/// the next invocation decodes the file and makes a new index. A file changed in the last two seconds is not
/// indexed: file times move in clock ticks, so two writes inside one tick could leave the same stamp.
struct CatalogIndex {
    /// The index file for one catalog path.
    let path: String

    /// Nil when there is no cache folder, or it cannot be trusted (`TokenCache.prepare` says why, once, there).
    init?(catalogPath: String, cacheDirectory: String?) {
        guard let cacheDirectory, TokenCache.prepare(cacheDirectory) == nil else { return nil }
        var hash = ContentHash()
        hash.add(Array(catalogPath.utf8))
        path = cacheDirectory + "/catalog-" + hash.hex + ".sqlite"
    }

    typealias Stamp = FileStamp

    /// The indexed catalog, when the index was made from the file as `stamp` says it is now.
    func open(stamp: Stamp) -> CatalogFile? {
        guard access(path, R_OK) == 0,
              let connection = try? SQLiteConnection(path: path, mode: .reader),
              let row = try? connection.execute("SELECT stamp, header, modified_at FROM catalog", []).first,
              row.text("stamp") == stamp.text, let header = row.text("header"), let modifiedAt = row.int("modified_at"),
              var catalog = try? JSONDecoder().decode(Catalog.self, from: Data(header.utf8)) else { return nil }
        catalog.shelf = Catalog.Shelf(IndexedProducts(connection: connection))
        return CatalogFile(catalog: catalog, modifiedAt: modifiedAt) { () throws(LedgerError) -> String in
            guard let json = try connection.execute("SELECT json FROM catalog", []).first?.text("json") else {
                throw LedgerError(message: "the catalog index lost its catalog.json")
            }
            return json
        }
    }

    /// Writes the index of `file` (decoded from the bytes stamped `stamp`): a new file renamed over the old one,
    /// so a concurrent reader sees the old index or the new, whole. Failing to write only costs speed.
    func write(_ file: CatalogFile, json: String, stamp: Stamp) throws(LedgerError) {
        let scratch = path + ".\(getpid()).tmp"
        unlink(scratch)
        defer { unlink(scratch) }
        do {
            let connection = try SQLiteConnection(path: scratch, mode: .scratch)
            var header = file.catalog
            header.products = []
            header.shelf = nil
            guard let headerJSON = try? JSONEncoder().encode(header) else {
                throw LedgerError(message: "cannot encode the catalog")
            }
            // The file's text last: SQLite walks a long column's overflow pages to reach the columns after it.
            try connection.execute("CREATE TABLE catalog (stamp TEXT NOT NULL, header TEXT NOT NULL, modified_at INTEGER NOT NULL, json TEXT NOT NULL)", [])
            try connection.execute("CREATE TABLE products (sku TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID", [])
            try connection.execute("BEGIN", [])
            try connection.execute("INSERT INTO catalog VALUES (?, ?, ?, ?)", [
                .text(stamp.text), .text(String(decoding: headerJSON, as: UTF8.self)), .int(file.modifiedAt), .text(json)])
            let encoder = JSONEncoder()
            for product in file.catalog.products {
                guard let encoded = try? encoder.encode(product) else { throw LedgerError(message: "cannot encode \(product.sku)") }
                // The first of two products with one SKU is the one `Catalog.product(sku:)` finds.
                try connection.execute("INSERT OR IGNORE INTO products VALUES (?, ?)",
                                       [.text(product.sku), .text(String(decoding: encoded, as: UTF8.self))])
            }
            try connection.execute("COMMIT", [])
        }
        guard rename(scratch, path) == 0 else {
            throw LedgerError(message: "cannot put the catalog index in place: \(String(cString: strerror(errno)))")
        }
    }
}

/// The products of an indexed catalog, read one SKU at a time and kept once read.
final class IndexedProducts: ProductShelf, @unchecked Sendable {
    private let connection: SQLiteConnection
    private let read = Mutex<[String: Catalog.Product?]>([:])
    /// Set when the index could not answer: a decision priced while it is set would have priced a product as
    /// missing, so none is made (see `VerifyService.decide`).
    let failure = Mutex<String?>(nil)

    init(connection: SQLiteConnection) { self.connection = connection }

    func product(sku: String) -> Catalog.Product? {
        // The cache below is keyed by `String`, which compares canonically: only exact ASCII SKUs reach it.
        guard SKU.isValid(sku) else { return nil }
        if let known = read.withLock({ $0[sku] }) { return known }
        let product: Catalog.Product?
        do {
            product = try connection.execute("SELECT json FROM products WHERE sku = ?", [.text(sku)]).first?
                .text("json").map { json in try JSONDecoder().decode(Catalog.Product.self, from: Data(json.utf8)) }
        } catch {
            failure.withLock { $0 = "the catalog index could not be read (\(error)); nothing was decided, ask again" }
            return nil
        }
        read.withLock { $0[sku] = product }
        return product
    }
}

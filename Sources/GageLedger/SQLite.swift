import CSQLite
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why the ledger could not be read or written. Every one of them means: decide nothing.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}

/// A thin, explicit handle on one SQLite connection: prepare, bind, step. Values are Int, String or nil.
final class SQLiteConnection {
    private let handle: OpaquePointer

    init(path: String, readOnly: Bool) throws(LedgerError) {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_FULLMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw LedgerError(message: "cannot open the ledger \(path): \(message)")
        }
        handle = db
        // Concurrent invocations wait for each other instead of failing with "database is locked".
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit { sqlite3_close_v2(handle) }

    enum Value: Equatable {
        case int(Int)
        case text(String)
        case null
    }

    /// Runs one statement and returns its rows (column name → value).
    @discardableResult
    func execute(_ sql: String, _ parameters: [Value] = []) throws(LedgerError) -> [[String: Value]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw error("prepare")
        }
        defer { sqlite3_finalize(statement) }
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            switch parameter {
            case let .int(value): sqlite3_bind_int64(statement, index, Int64(value))
            case let .text(value): gage_sqlite_bind_text(statement, index, value)
            case .null: sqlite3_bind_null(statement, index)
            }
        }
        var rows: [[String: Value]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw error("step") }
            var row: [String: Value] = [:]
            for column in 0..<sqlite3_column_count(statement) {
                let name = String(cString: sqlite3_column_name(statement, column))
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row[name] = .int(Int(sqlite3_column_int64(statement, column)))
                case SQLITE_NULL: row[name] = .null
                default: row[name] = .text(String(cString: sqlite3_column_text(statement, column)))
                }
            }
            rows.append(row)
        }
        return rows
    }

    private func error(_ step: String) -> LedgerError {
        LedgerError(message: "ledger \(step) failed: \(String(cString: sqlite3_errmsg(handle)))")
    }
}

extension Dictionary where Key == String, Value == SQLiteConnection.Value {
    func int(_ key: String) -> Int? { if case let .int(value)? = self[key] { return value } else { return nil } }
    func text(_ key: String) -> String? { if case let .text(value)? = self[key] { return value } else { return nil } }
}

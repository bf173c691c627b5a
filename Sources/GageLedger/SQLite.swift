import CSQLite
import Glibc

/// One SQLite file. As the ledger (`.ledger`): WAL mode with full fsync; one writer at a time (BEGIN IMMEDIATE),
/// the others wait. The file holds buyers' details, so it (and with it SQLite's -wal and -shm files, which copy
/// its mode) is owner-only. The schema version is `PRAGMA user_version`. As a cache (`.scratch` to write a new
/// file that is then renamed into place, `.reader` to read one): owner-only too, nothing synced, since a cache
/// that is lost or torn is rebuilt from its source. Opened in SQLite's serialized mode (FULLMUTEX), so threads may share it.
public final class SQLiteConnection: LedgerDatabase, @unchecked Sendable {
    public enum Mode: Sendable { case ledger, scratch, reader }

    private let handle: OpaquePointer
    private let name: String
    let dialect = SQLDialect.sqlite

    public convenience init(path: String) throws(LedgerError) { try self.init(path: path, mode: .ledger) }

    public init(path: String, mode: Mode) throws(LedgerError) {
        name = mode == .ledger ? "ledger" : "cache"
        if mode != .reader { try Self.createOwnerOnly(path, name: name) }
        var db: OpaquePointer?
        let flags = mode == .reader ? SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX
                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw LedgerError(message: "cannot open the \(name) \(path): \(message)")
        }
        handle = db
        switch mode {
        case .ledger:
            // Concurrent invocations wait for each other instead of failing with "database is locked".
            sqlite3_busy_timeout(db, 10_000)
            // Switching a brand-new file to WAL needs an exclusive lock that the busy timeout does not always wait
            // for; invocations racing to create the ledger retry briefly instead of failing.
            try Ledger.retryingWhileLocked { () throws(LedgerError) in try execute("PRAGMA journal_mode = WAL") }
            try execute("PRAGMA synchronous = FULL")
            try execute("PRAGMA foreign_keys = ON")
        case .scratch:
            try execute("PRAGMA journal_mode = OFF")
            try execute("PRAGMA synchronous = OFF")
        case .reader:
            break
        }
    }

    deinit { sqlite3_close_v2(handle) }

    /// Creates the file 0600 if it is missing (SQLite would make it 0644), and takes group and other access away
    /// from one an earlier version left readable. A symlink is refused: the ledger is not written through one.
    static func createOwnerOnly(_ path: String, name: String = "ledger") throws(LedgerError) {
        // An existing file is never opened here: closing a descriptor of a file releases every POSIX lock this
        // process holds on it, SQLite's included, so a second connection opened while another is in use (one
        // invocation opening the ledger twice) would let other processes write at the same time and corrupt it.
        var existing = stat()
        if lstat(path, &existing) == 0 {
            if existing.st_mode & S_IFMT == S_IFLNK {
                throw LedgerError(message: "cannot open the \(name) \(path): it is a symbolic link")
            }
            if existing.st_uid == getuid(), existing.st_mode & 0o077 != 0 { _ = chmod(path, existing.st_mode & 0o700) }
            return
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
            throw LedgerError(message: "cannot open the \(name) \(path): \(reason)")
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_uid == getuid(), info.st_mode & 0o077 != 0 {
            _ = fchmod(descriptor, info.st_mode & 0o700)
        }
    }

    func beginExclusive() throws(LedgerError) { try execute("BEGIN IMMEDIATE") }

    /// In WAL mode a read transaction keeps the snapshot of its first read until it ends.
    func beginSnapshot() throws(LedgerError) { try execute("BEGIN DEFERRED") }

    func schemaVersion() throws(LedgerError) -> Int { try execute("PRAGMA user_version").first?.int("user_version") ?? 0 }

    func setSchemaVersion(_ version: Int) throws(LedgerError) { try execute("PRAGMA user_version = \(version)") }

    /// AUTOINCREMENT already moves past explicitly inserted ids.
    func didCopyRows(into table: String) throws(LedgerError) {}

    /// Runs one statement and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> [SQLRow] {
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
        var rows: [SQLRow] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw error("step") }
            var row: SQLRow = [:]
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
        LedgerError(message: "\(name) \(step) failed: \(String(cString: sqlite3_errmsg(handle)))")
    }
}

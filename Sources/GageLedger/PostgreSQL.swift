import CLibPQ
import Glibc

/// The ledger in a PostgreSQL database that several hosts share, through libpq: one short connection per
/// invocation, as CGI needs. Deciding transactions are serialised across hosts by one transaction-scoped
/// advisory lock — the same one-writer-at-a-time promise SQLite's BEGIN IMMEDIATE gives on one host, so the
/// ledger's code and its reasoning are the same on both. Decisions take milliseconds, so a shop's whole
/// traffic passes through that lock easily. The URL's password never reaches an error message.
final class PostgresConnection: LedgerDatabase {
    private let handle: OpaquePointer
    private let url: String
    let dialect = SQLDialect.postgres

    /// The advisory lock every write transaction takes ("gage" in ASCII); any constant would do.
    static let writerLock = 0x6761_6765
    /// Connecting, waiting for the writer lock and running one statement are each bounded, so an unreachable
    /// or stuck server is a 503 within the function's time budget rather than a hung CGI process.
    static let defaults = [("connect_timeout", "5"), ("tcp_user_timeout", "10000"), ("application_name", "gage")]
    static let waitLimit = "15s"

    init(url: String) throws(LedgerError) {
        self.url = url
        // libpq reads the keywords in order and the last one wins: defaults first, so the URL can override them.
        let settings = Self.connectionDefaults(for: url)
        let keywords = settings.map(\.0) + ["dbname"]
        let values = settings.map(\.1) + [url]
        let connection = CStrings(keywords).withPointers { keys in
            CStrings(values).withPointers { values in PQconnectdbParams(keys, values, 1) }
        }
        guard let connection else { throw LedgerError(message: "cannot connect to the ledger: out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let why = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            let hint = settings.contains { $0 == ("sslmode", "require") }
                ? " (off this machine the ledger needs TLS; add ?sslmode=… to the URL to choose otherwise)" : ""
            throw LedgerError(message: "cannot connect to the ledger \(LedgerLocation.postgres(url: url)): "
                                       + LedgerLocation.redacting(url, in: Self.oneLine(why)) + hint)
        }
        handle = connection
        gage_pq_silence_notices(connection)
    }

    deinit { PQfinish(handle) }

    /// The settings the URL starts from: the timeouts, and TLS required (`sslmode=require`) when any host is off
    /// loopback and the URL does not name an `sslmode` itself — buyers' details and the password must not cross a
    /// network in clear. The URL is read by libpq's own parser; one it cannot parse is left for the connect to
    /// refuse with libpq's reason.
    static func connectionDefaults(for url: String) -> [(String, String)] {
        var message: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(url, &message) else {
            if let message { PQfreemem(message) }
            return defaults
        }
        defer { PQconninfoFree(parsed) }
        var given: [String: String] = [:]
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { given[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        guard given["sslmode"] == nil else { return defaults }
        let hosts = (given["hostaddr"] ?? given["host"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
        return hosts.allSatisfy({ isLoopback(String($0)) }) ? defaults : defaults + [("sslmode", "require")]
    }

    /// A Unix socket (no host, or a directory), `localhost`, 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host.isEmpty || host.hasPrefix("/") || host.hasPrefix("@") || host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) } == [UInt8](repeating: 0, count: 15) + [1]
        }
        return false
    }

    /// READ COMMITTED whatever the server's default: each statement then sees what the previous lock holder
    /// committed (under REPEATABLE READ the snapshot would predate the wait for the lock).
    func beginExclusive() throws(LedgerError) {
        try execute("""
            BEGIN ISOLATION LEVEL READ COMMITTED;
            SET LOCAL lock_timeout = '\(Self.waitLimit)';
            SET LOCAL statement_timeout = '\(Self.waitLimit)';
            SELECT pg_advisory_xact_lock(\(Self.writerLock))
            """)
    }

    func beginSnapshot() throws(LedgerError) { try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }

    /// Reads the catalog as a table (a snapshot of this statement) rather than by name lookup (`to_regclass`),
    /// whose per-session cache still says "no such table" after waiting for the lock held by the invocation
    /// that just created it.
    func schemaVersion() throws(LedgerError) -> Int {
        let present = try execute("""
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
                           WHERE schemaname = current_schema() AND tablename = 'gage_schema') AS present
            """)
        guard present.first?.int("present") == 1 else {
            return 0
        }
        return try execute("SELECT MAX(version) AS version FROM gage_schema").first?.int("version") ?? 0
    }

    func setSchemaVersion(_ version: Int) throws(LedgerError) {
        try execute("""
            CREATE TABLE IF NOT EXISTS gage_schema (version INTEGER NOT NULL);
            DELETE FROM gage_schema;
            INSERT INTO gage_schema (version) VALUES (\(version))
            """)
    }

    func didCopyRows(into table: String) throws(LedgerError) {
        guard LedgerSchema.tablesWithSerialID.contains(table) else { return }
        try execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table)")
    }

    /// Runs SQL written with `?` parameters; without parameters it may hold several statements.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> [SQLRow] {
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(handle, sql)
        } else {
            let texts: [String?] = parameters.map { value in
                switch value {
                case let .int(number): return String(number)
                case let .text(text): return text
                case .null: return nil
                }
            }
            result = CStrings(texts).withPointers { values in
                PQexecParams(handle, Self.numberingParameters(sql), Int32(texts.count), nil, values, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK: break
        default:
            let why = result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(handle))
            throw LedgerError(message: "ledger query failed: " + LedgerLocation.redacting(url, in: Self.oneLine(why)))
        }
        guard let result else { return [] }
        var rows: [SQLRow] = []
        let columns = PQnfields(result)
        for index in 0..<PQntuples(result) {
            var row: SQLRow = [:]
            for column in 0..<columns {
                let name = String(cString: PQfname(result, column))
                if PQgetisnull(result, index, column) == 1 {
                    row[name] = .null
                    continue
                }
                let text = String(cString: PQgetvalue(result, index, column))
                switch PQftype(result, column) {
                case 20, 21, 23: row[name] = Int(text).map(SQLValue.int) ?? .text(text)  // int8, int2, int4
                case 16: row[name] = .int(text == "t" ? 1 : 0)                              // bool
                default: row[name] = .text(text)
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// `a = ? AND b = ?` → `a = $1 AND b = $2`; a `?` inside a quoted literal is left alone.
    static func numberingParameters(_ sql: String) -> String {
        var output = ""
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?", !quoted {
                number += 1
                output += "$\(number)"
            } else {
                output.append(character)
            }
        }
        return output
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: " \t") }.joined(separator: " ")
    }
}

/// C strings for libpq's NULL-terminated keyword and value arrays, freed after use.
private struct CStrings {
    let strings: [String?]

    init(_ strings: [String?]) { self.strings = strings }

    func withPointers<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}

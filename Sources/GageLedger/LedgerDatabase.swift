/// Why the ledger could not be read or written. Every one of them means: decide nothing.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}

/// A value as the ledger stores it: every column is an integer, a text or NULL.
public enum SQLValue: Sendable, Equatable {
    case int(Int)
    case text(String)
    case null
}

/// One result row: column name → value.
public typealias SQLRow = [String: SQLValue]

extension Dictionary where Key == String, Value == SQLValue {
    /// The column as an integer. PostgreSQL's `SUM` of integers is a numeric, which arrives as text.
    public func int(_ key: String) -> Int? {
        switch self[key] {
        case let .int(value)?: return value
        case let .text(value)?: return Int(value)
        default: return nil
        }
    }

    public func text(_ key: String) -> String? { if case let .text(value)? = self[key] { return value } else { return nil } }
}

/// What the ledger needs of a database server or file, so that the ledger's own code is written once for both
/// (SPEC §4: one ledger interface, two implementations). Statements are written with `?` parameters in the SQL
/// both SQLite and PostgreSQL accept.
protocol LedgerDatabase: AnyObject {
    var dialect: SQLDialect { get }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> [SQLRow]

    /// Begins a transaction that no other writer runs alongside — not another process, not another host —
    /// and that sees everything committed before it was granted.
    func beginExclusive() throws(LedgerError)

    /// Begins a read-only transaction that sees one consistent snapshot, however long it takes.
    func beginSnapshot() throws(LedgerError)

    /// Which of `LedgerSchema.migrations` the database has had (0: none).
    func schemaVersion() throws(LedgerError) -> Int
    func setSchemaVersion(_ version: Int) throws(LedgerError)

    /// After rows were copied in with their own ids: the next generated id follows them.
    func didCopyRows(into table: String) throws(LedgerError)
}

extension LedgerDatabase {
    @discardableResult
    func execute(_ sql: String) throws(LedgerError) -> [SQLRow] { try execute(sql, []) }
}

/// Where the two databases' SQL differs in the schema.
struct SQLDialect: Sendable {
    /// A generated integer key.
    var serialKey: String
    /// An integer wide enough for amounts and Unix times.
    var integer: String

    /// The text of a top-level key of a JSON text column.
    var jsonText: @Sendable (_ column: String, _ key: String) -> String

    static let sqlite = SQLDialect(serialKey: "INTEGER PRIMARY KEY AUTOINCREMENT", integer: "INTEGER",
                                   jsonText: { "json_extract(\($0), '$.\($1)')" })
    static let postgres = SQLDialect(serialKey: "BIGSERIAL PRIMARY KEY", integer: "BIGINT",
                                     jsonText: { "(\($0)::json ->> '\($1)')" })
}

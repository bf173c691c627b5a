/// Copying a whole ledger into another, empty one (`gage orders migrate`): a shop that outgrows one host moves
/// its SQLite file into PostgreSQL, rows, ids and history exactly as they were.
extension Ledger {
    public struct TableCount: Sendable, Equatable {
        public var table: String
        public var rows: Int
    }

    /// How many rows each of the ledger's tables holds.
    public func counts() throws(LedgerError) -> [TableCount] {
        var counts: [TableCount] = []
        for table in LedgerSchema.tables {
            let rows = try database.execute("SELECT COUNT(*) AS n FROM \(table.name)").first?.int("n") ?? 0
            counts.append(TableCount(table: table.name, rows: rows))
        }
        return counts
    }

    /// Copies one consistent snapshot of every table into `destination` in one transaction, which commits only
    /// when each table there holds as many rows as the snapshot did; otherwise nothing is written. Refuses a
    /// destination that already holds anything: two shops' orders are never merged. Returns the counts.
    public func copy(into destination: Ledger) throws(LedgerError) -> [TableCount] {
        guard destination.location != location else {
            throw LedgerError(message: "the ledger to copy into is the one being copied")
        }
        return try reading { () throws(LedgerError) -> [TableCount] in
            let expected = try counts()
            try destination.transaction { () throws(LedgerError) in
                let occupied = try destination.counts().filter { $0.rows > 0 }
                guard occupied.isEmpty else {
                    let what = occupied.map { "\($0.rows) rows in \($0.table)" }.joined(separator: ", ")
                    throw LedgerError(message: "\(destination.location) is not empty (\(what)); "
                                               + "migrate copies into an empty ledger only")
                }
                for table in LedgerSchema.tables {
                    for row in try database.execute("SELECT * FROM \(table.name) ORDER BY \(table.order)") {
                        let columns = row.keys.sorted()
                        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                        try destination.database.execute(
                            "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                            columns.map { row[$0] ?? .null })
                    }
                    try destination.database.didCopyRows(into: table.name)
                }
                let arrived = try destination.counts()
                guard arrived == expected else {
                    let differences = zip(expected, arrived).filter { $0.rows != $1.rows }
                        .map { "\($0.table): \($0.rows) to copy, \($1.rows) arrived" }.joined(separator: "; ")
                    throw LedgerError(message: "the copy does not match (\(differences)); nothing was written")
                }
            }
            return expected
        }
    }
}

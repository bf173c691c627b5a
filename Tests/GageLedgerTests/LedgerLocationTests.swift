@testable import GageLedger
import XCTest

final class LedgerLocationTests: XCTestCase {
    func test_paths_are_sqlite_files_and_postgres_urls_are_servers() throws {
        XCTAssertEqual(try LedgerLocation("/var/lib/gage/orders.sqlite"), .sqlite(path: "/var/lib/gage/orders.sqlite"))
        XCTAssertEqual(try LedgerLocation("orders.sqlite"), .sqlite(path: "orders.sqlite"))
        XCTAssertEqual(try LedgerLocation("postgres://gage@db:5432/shop"), .postgres(url: "postgres://gage@db:5432/shop"))
        XCTAssertEqual(try LedgerLocation("PostgreSQL://db/shop?sslmode=require"),
                       .postgres(url: "PostgreSQL://db/shop?sslmode=require"))
    }

    func test_other_urls_and_nothing_are_refused_with_what_to_write() {
        XCTAssertThrowsError(try LedgerLocation("mysql://db/shop")) { error in
            XCTAssertTrue("\(error)".contains("postgres:// URL"), "\(error)")
        }
        XCTAssertThrowsError(try LedgerLocation(""))
    }

    func test_a_password_never_shows_in_the_description() {
        let location = LedgerLocation.postgres(url: "postgres://gage:s3cr%40t@db.example:5432/shop?sslmode=require")
        XCTAssertEqual(location.description, "postgres://gage:***@db.example:5432/shop?sslmode=require")
        let query = LedgerLocation.postgres(url: "postgresql://db/shop?user=gage&password=hunter2&sslmode=verify-full")
        XCTAssertEqual(query.description, "postgresql://db/shop?user=gage&password=***&sslmode=verify-full")
    }

    func test_a_password_with_unencoded_at_and_slash_is_still_found() {
        let url = "postgres://gage:p@ss/w0rd@db:5432/shop"
        XCTAssertEqual(LedgerLocation.passwordRanges(in: url).map { String(url[$0]) }, ["p@ss/w0rd"])
    }

    func test_redaction_covers_the_decoded_password_inside_a_quoted_message() {
        let url = "postgres://gage:s3cr%40t@db/shop"
        let message = #"invalid connection option: "s3cr@t" and "s3cr%40t""#
        XCTAssertEqual(LedgerLocation.redacting(url, in: message), #"invalid connection option: "***" and "***""#)
    }

    func test_urls_without_a_password_have_nothing_to_hide() {
        XCTAssertEqual(LedgerLocation.passwordRanges(in: "postgres://gage@db/shop"), [])
        XCTAssertEqual(LedgerLocation.passwordRanges(in: "/var/lib/gage/a:b@c.sqlite"), [])
    }

    func test_question_marks_become_numbered_parameters_outside_quotes() {
        XCTAssertEqual(PostgresConnection.numberingParameters("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?"),
                       "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2")
    }
}

final class PostgresPasswordAndTLSTests: XCTestCase {
    /// Every spelling of a password a URL can carry: `?`, `@`, `/`, `%` unencoded, and encoded.
    static let spellings = ["pa?ss", "p@ss", "pa/ss", "p%ss", "a?b@c/d%e", "s3cr%40t%2F%3F", "pw?sslmode=disable"]

    func test_every_spelling_of_a_password_is_hidden_from_the_description() {
        for password in Self.spellings {
            for url in ["postgres://gage:\(password)@db.example:5432/shop",
                        "postgresql://gage:\(password)@db.example/shop?sslmode=require&application_name=x@y"] {
                let shown = LedgerLocation.postgres(url: url).description
                XCTAssertFalse(shown.contains(password), "\(password) in \(shown)")
                XCTAssertTrue(shown.contains("***"), shown)
            }
        }
    }

    func test_fragments_libpq_quotes_from_a_malformed_url_are_hidden() {
        let url = "postgres://gage:hunter/2@db/shop"
        XCTAssertEqual(LedgerLocation.redacting(url, in: #"invalid integer value "hunter" for connection option "port""#),
                       #"invalid integer value "***" for connection option "port""#)
        XCTAssertEqual(LedgerLocation.redacting("postgres://gage:pa/ss@db/shop", in: #"invalid port number: "pa""#),
                       #"invalid port number: "***""#)
        XCTAssertEqual(LedgerLocation.redacting("postgres://gage:hunter/2222@db/shop", in: #"database "2222@db/shop" does not exist"#),
                       #"database "***" does not exist"#)
    }

    func test_off_loopback_tls_is_required_unless_the_url_says_otherwise() {
        func tls(_ url: String) -> Bool { PostgresConnection.connectionDefaults(for: url).contains { $0 == ("sslmode", "require") } }
        XCTAssertTrue(tls("postgres://gage:pw@db.example.com/shop"))
        XCTAssertTrue(tls("postgres://gage@10.0.0.5:5432/shop"))
        XCTAssertTrue(tls("postgres://gage@localhost,db.example.com/shop"))
        XCTAssertFalse(tls("postgres://gage@db.example.com/shop?sslmode=disable"))
        XCTAssertFalse(tls("postgres://gage@db.example.com/shop?sslmode=verify-full"))
        XCTAssertFalse(tls("postgres://gage@127.0.0.1:5432/shop"))
        XCTAssertFalse(tls("postgres://gage@localhost/shop"))
        XCTAssertFalse(tls("postgres://gage@[::1]/shop"))
        XCTAssertFalse(tls("postgresql:///shop?host=/var/run/postgresql"))
    }
}

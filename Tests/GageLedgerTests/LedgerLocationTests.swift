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

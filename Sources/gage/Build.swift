import ArgumentParser
import Foundation
import GageCatalog
import GageSite

/// Options shared by the commands that read a shop folder.
struct SourceOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The shop's source folder (with shop.yml and content/).")
    var source: String = "."

    @Flag(name: .long, help: "Include products and pages marked draft: true.")
    var drafts = false
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the shop into a static site.",
        discussion: "Reports every problem in the source at once and writes nothing if there is any.")

    @OptionGroup var source: SourceOptions

    @Option(name: .shortAndLong, help: "Where to write the site (default: public/ in the source folder).")
    var output: String?

    @Option(name: .long, help: "Override base_url from shop.yml (absolute URL).")
    var baseURL: String?

    func run() throws {
        let output = output ?? source.source + "/public"
        do {
            let report = try SiteBuilder.build(.init(source: source.source, output: output,
                                                     includeDrafts: source.drafts,
                                                     overrides: SettingsOverrides(baseURL: baseURL)))
            printWarnings(report.warnings)
            let written = report.written ?? .init()
            let total = report.timings.reduce(0) { $0 + $1.seconds }
            print("Built \(report.products) products into \(report.pages) pages (\(report.files) files) in \(Self.milliseconds(total)).")
            print("  \(written.written) written, \(written.unchanged) unchanged, \(written.removed) removed → \(output)")
            print("  " + report.timings.map { "\($0.phase) \(Self.milliseconds($0.seconds))" }.joined(separator: ", "))
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    static func milliseconds(_ seconds: Double) -> String {
        String(format: "%.0f ms", seconds * 1000)
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the shop the way build does, without writing anything.")

    @OptionGroup var source: SourceOptions

    func run() throws {
        do {
            let (_, files, report) = try SiteBuilder.render(.init(source: source.source, output: "",
                                                                  includeDrafts: source.drafts))
            printWarnings(report.warnings)
            Say.language = Say.detected(in: source.source)
            let count = report.warnings.count
            print(Say.text(
                ko: "확인했습니다: 상품 \(report.products)개, 페이지 \(report.pages)개, 파일 \(files.count)개; "
                    + (count == 0 ? "문제 없음." : "경고 \(count)건 (결제를 받기 전에 고치세요; gage doctor 가 배포까지 점검합니다)."),
                en: "OK: \(report.products) products, \(report.pages) pages, \(files.count) files; "
                    + (count == 0 ? "no problems found." : "\(count) warning\(count == 1 ? "" : "s") (fix them before taking payments; gage doctor checks the deployment too).")))
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

/// Warnings go to stderr, one per line, like errors but without stopping anything.
func printWarnings(_ warnings: [Diagnostic]) {
    for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
}

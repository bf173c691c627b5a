import ArgumentParser
import Foundation
import GageDoctor

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a deployment: is the shop ready to take money?",
        discussion: """
            Compares the deployed shop (--site URL, else the built public/ folder) with what the source builds now; \
            asks the function at verify_url (and its CORS for the shop's origin); tries the provider keys with a \
            lookup PortOne answers "not found"; opens the ledger; reaches the mail server (EHLO) and the chat webhook; \
            and checks the seller facts, the escrow postcode and every product's 상품정보제공고시. The function's \
            settings come from the environment or the GAGE_VERIFY_CONFIG file, as gage-verify reads them. Each line \
            says ✓ or what to do; the exit status is 1 when anything blocks taking money.
            """)

    @OptionGroup var source: SourceOptions

    @Option(help: "The deployed shop's address, e.g. https://shop.example.kr/ (default: compare the built public/ folder).")
    var site: String?

    @Option(help: "The built folder to compare when no --site is given (default: <source>/public).")
    var output: String?

    @Flag(help: "Also send a test e-mail to GAGE_SELLER_EMAIL and a test line to the chat webhook.")
    var sendTest = false

    func run() throws {
        var doctor = GageDoctor.Doctor(options: .init(source: source.source, site: site, publicFolder: output,
                                                      environment: ProcessInfo.processInfo.environment,
                                                      sendTest: sendTest))
        let findings = doctor.run()
        Say.language = Say.detected(in: source.source)
        for finding in findings {
            switch finding.level {
            case .ok: print("✓ " + finding.title)
            case .warning: print("! " + finding.title + (finding.advice.map { "\n    → " + $0 } ?? ""))
            case .blocking: print("✗ " + finding.title + (finding.advice.map { "\n    → " + $0 } ?? ""))
            }
        }
        let blocking = findings.filter { $0.level == .blocking }.count
        print("")
        print(blocking == 0
              ? Say.text(ko: "결제를 받을 준비가 되었습니다.", en: "Ready to take money.")
              : Say.text(ko: "결제를 막는 문제 \(blocking)건: 위의 ✗ 를 고친 뒤 다시 gage doctor 를 실행하세요.",
                         en: "\(blocking) problem\(blocking == 1 ? "" : "s") block taking money: fix each ✗ above and run gage doctor again."))
        if blocking > 0 { throw ExitCode(1) }
    }
}

import ArgumentParser
import Dispatch
import Foundation
import GageServe

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the shop, serve it on 127.0.0.1, and rebuild and reload on every change.",
        discussion: """
            With --sandbox, checkout works offline: pages load a local stand-in for PortOne's browser SDK (V1's \
            IMP or V2's PortOne, as shop.yml says), stand-ins for the REST APIs answer under /__iamport and \
            /__portone, and gage-verify runs as CGI behind verify_url. The sandbox console (payments, \
            virtual-account deposits) is at /__sandbox/.
            """)

    @OptionGroup var source: SourceOptions

    @Option(name: .shortAndLong, help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 1313

    @Flag(help: "Offline checkout: PortOne stand-ins (V1 and V2), sandbox SDK, and gage-verify as CGI.")
    var sandbox = false

    @Option(help: "The gage-verify executable (default: the one beside gage, then PATH).")
    var verify: String?

    func run() async throws {
        let program = sandbox ? try locateVerify() : nil
        let server = DevServer(options: .init(source: URL(fileURLWithPath: source.source).standardizedFileURL.path,
                                              port: port, includeDrafts: source.drafts, sandbox: sandbox,
                                              verifyProgram: program))
        let serving = Task { try await server.run() }
        // Ctrl-C and SIGTERM stop the server cleanly (its temporary build folder is removed).
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler { serving.cancel() }
            source.resume()
            Self.signalSources.append(source)
        }
        do {
            try await serving.value
        } catch is CancellationError {
        } catch let taken as PortInUse {
            throw ValidationError(portTaken(taken))
        }
        Console.line("Stopped.")
    }

    nonisolated(unsafe) static var signalSources: [any DispatchSourceSignal] = []

    func locateVerify() throws -> String {
        if let verify {
            guard FileManager.default.isExecutableFile(atPath: verify) else {
                throw ValidationError("--verify \(verify) is not an executable")
            }
            return verify
        }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("gage-verify").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(folder) + "/gage-verify"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ValidationError("gage-verify was not found beside gage or on PATH; run 'swift build' (it builds both) or pass --verify PATH")
    }
}

/// A taken port, named with the flag that chooses another.
func portTaken(_ taken: PortInUse) -> String {
    let next = taken.port == UInt16.max ? 1313 : taken.port + 1
    return Say.text(ko: "127.0.0.1 의 포트 \(taken.port) 은(는) 이미 다른 프로그램이 쓰고 있습니다: --port \(next) 처럼 다른 "
                        + "포트를 고르거나 --port 0 으로 빈 포트를 쓰세요",
                    en: "port \(taken.port) on 127.0.0.1 is already in use: choose another with --port \(next), "
                        + "or --port 0 for any free one")
}

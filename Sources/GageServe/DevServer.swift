import FlyingFox
import FlyingSocks
import Foundation
import GageCatalog
import GageSite
import IamportSandbox
import PortOneSandbox

/// `gage serve`: builds the shop, serves it on 127.0.0.1, rebuilds on every change and reloads open pages.
/// With `sandbox`, checkout works offline: the Iamport (V1) stand-in answers under `/__iamport` and the PortOne
/// V2 one under `/__portone`, pages load a stand-in SDK, and the real `gage-verify` runs as CGI behind
/// `verify_url` with credentials for both (the shop's catalog says which one it uses).
public final class DevServer: Sendable {
    public struct Options: Sendable {
        public var source: String
        public var port: UInt16
        public var includeDrafts: Bool
        public var sandbox: Bool
        /// The `gage-verify` executable run as CGI (sandbox only).
        public var verifyProgram: String?

        public init(source: String, port: UInt16, includeDrafts: Bool, sandbox: Bool, verifyProgram: String?) {
            self.source = source
            self.port = port
            self.includeDrafts = includeDrafts
            self.sandbox = sandbox
            self.verifyProgram = verifyProgram
        }
    }

    let options: Options
    let output: String
    let state = BuildState()
    let reload = LiveReload()
    /// The last build's decoded files and shop: an edit renders only what it changes.
    let memo = BuildMemo()
    let iamport: SandboxAPI?
    let portone: PortOneSandboxAPI?
    let workFolder: String
    /// The sandbox's order ledger, for `gage orders --ledger …` while the server runs.
    var ledgerPath: String { workFolder + "/orders.sqlite" }

    public init(options: Options) {
        self.options = options
        workFolder = FileManager.default.temporaryDirectory.appendingPathComponent("gage-serve-\(getpid())").path
        output = workFolder + "/public"
        iamport = options.sandbox ? SandboxAPI() : nil
        portone = options.sandbox ? PortOneSandboxAPI() : nil
    }

    /// Serves until the task is cancelled (Ctrl-C).
    public func run() async throws {
        try PortCheck.ensureFree(options.port)
        try FileManager.default.createDirectory(atPath: workFolder + "/cache", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: workFolder) }
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: options.port), timeout: 60,
                                logger: .disabled, handler: DevHandler(server: self))
        let serving = Task { try await server.run() }
        try await server.waitUntilListening()
        var bound = options.port
        if case let .ip4(_, port)? = await server.listeningAddress { bound = port }
        let baseURL = "http://127.0.0.1:\(bound)/"
        await state.setBaseURL(baseURL)
        // Watching starts before building, so an edit saved while the first build runs is not missed.
        var notifier = ChangeNotifier(root: options.source)
        let watcher = SourceWatcher(root: options.source)
        var seen = notifier == nil ? watcher.fingerprint() : SourceWatcher.Fingerprint()
        await rebuild(reason: "first build")
        Console.line("Serving \(options.source) at \(baseURL)" + (options.sandbox ? "  (payment sandbox: \(baseURL)__sandbox/)" : ""))
        if options.sandbox { Console.line("Sandbox orders: gage orders list --ledger \(ledgerPath)") }
        Console.line("Watching shop.yml, content/, templates/, static/"
                     + (notifier == nil ? " (polling)" : "") + ". Press Ctrl-C to stop.")
        while !Task.isCancelled {
            if let watching = notifier {
                // inotify wakes us on a change; the timeout only lets Ctrl-C through.
                if await Self.offPool({ watching.waitForChange(timeout: .milliseconds(250)) }) {
                    await rebuild(reason: "change")
                }
                if watching.failed {
                    // A folder made since could not be watched (out of inotify watches): poll from now on.
                    Console.line("Cannot watch every folder with inotify (fs.inotify.max_user_watches); polling from now on.")
                    notifier = nil
                    seen = watcher.fingerprint()
                    await rebuild(reason: "change")
                }
                continue
            }
            try? await Task.sleep(for: .milliseconds(150))
            let now = watcher.fingerprint()
            if now != seen {
                seen = now
                await rebuild(reason: "change")
            }
        }
        serving.cancel()
        await server.stop(timeout: 1)
    }

    /// Rebuilds; on success the pages reload, on failure they show the errors and the last good build stays.
    func rebuild(reason: String) async {
        let started = ContinuousClock.now
        let baseURL = await state.baseURL
        let overrides = SettingsOverrides(baseURL: baseURL, sdkURL: options.sandbox ? "/__sandbox/iamport.js" : nil,
                                          verifyURL: nil,
                                          postcodeURL: options.sandbox ? "/__sandbox/postcode.v2.js" : nil)
        let build = SiteBuilder.Options(source: options.source, output: output, includeDrafts: options.includeDrafts,
                                        overrides: overrides)
        do {
            let (shop, files, renderReport, complete) = try SiteBuilder.render(build, memo: memo)
            var report = renderReport
            let writing = ContinuousClock.now
            let written = try SiteWriter(output: output).write(files, prune: complete)
            report.timings.append(("write", Self.seconds(ContinuousClock.now - writing)))
            // The V2 stand-in takes payments for the shop's own store id, as the seller's real secret would.
            if let store = shop.settings.portone?.storeID { await portone?.openStore(store) }
            await state.succeeded(verifyURL: shop.settings.checkout.verifyURL)
            let total = Self.seconds(ContinuousClock.now - started)
            let phases = report.timings.map { "\($0.phase) \(Self.milliseconds($0.seconds))" }.joined(separator: ", ")
            Console.line("\(Self.timestamp()) \(reason): built \(report.pages) pages in \(Self.milliseconds(total)) "
                  + "(\(phases)); \(written.written) written, \(written.removed) removed")
            await reload.broadcast(["type": "reload"])
        } catch {
            memo.forget()
            let lines = error.diagnostics.map(\.description)
            await state.failed(lines)
            FileHandle.standardError.write(Data(("\(Self.timestamp()) \(reason): build failed, still serving the last good build\n"
                                                 + error.description + "\n").utf8))
            await reload.broadcast(["type": "errors", "errors": lines])
        }
    }

    var verifyGateway: CGIGateway? {
        get async {
            guard options.sandbox, let program = options.verifyProgram else { return nil }
            let baseURL = await state.baseURL
            return CGIGateway(program: program, baseEnvironment: [
                "IAMPORT_API_KEY": iamport?.key ?? "", "IAMPORT_API_SECRET": iamport?.secret ?? "",
                "IAMPORT_API_URL": baseURL + "__iamport",
                "PORTONE_API_SECRET": portone?.secret ?? "", "PORTONE_WEBHOOK_SECRET": portone?.webhookSecret ?? "",
                "PORTONE_API_URL": baseURL + "__portone", "GAGE_CATALOG": output + "/catalog.json",
                "GAGE_CACHE_DIR": workFolder + "/cache", "GAGE_LEDGER": ledgerPath,
                // Every request of the sandbox comes from 127.0.0.1: per-client limits would only stop the seller.
                "GAGE_CLIENT_LIMITS": "off",
                // E-mails are written to the outbox but never sent (no GAGE_SMTP_URL): /__sandbox/mail shows them.
                "GAGE_MAIL_FROM": SandboxMail.from, "GAGE_SELLER_EMAIL": SandboxMail.seller,
            ])
        }
    }

    /// Runs blocking work (waiting on inotify) on a thread of its own, off Swift's cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}

/// What the server knows about the current build.
actor BuildState {
    private(set) var baseURL = "http://127.0.0.1/"
    private(set) var errors: [String] = []
    private(set) var verifyURL = "/verify"
    private(set) var builds = 0

    func setBaseURL(_ url: String) { baseURL = url }

    func succeeded(verifyURL: String) {
        errors = []
        self.verifyURL = verifyURL
        builds += 1
    }

    func failed(_ lines: [String]) { errors = lines }

    /// The local path `verify_url` is served at (an absolute URL to elsewhere is not routed here).
    var verifyPath: String? {
        if verifyURL.hasPrefix("/") { return verifyURL.hasSuffix("/") ? String(verifyURL.dropLast()) : verifyURL }
        if verifyURL.hasPrefix(baseURL) { return "/" + verifyURL.dropFirst(baseURL.count) }
        return nil
    }
}

/// Log lines written straight to stdout, so they appear at once also when stdout is a file or a pipe.
public enum Console {
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

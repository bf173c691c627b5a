import GageCatalog
import GageCore

/// The build pipeline, one explicit step after another: load → theme → render → write.
public enum SiteBuilder {
    public struct Options: Sendable {
        public var source: String
        public var output: String
        public var includeDrafts: Bool
        /// Settings replaced for this build (`gage serve`: its local address, the sandbox SDK).
        public var overrides: SettingsOverrides

        public init(source: String, output: String, includeDrafts: Bool = false,
                    overrides: SettingsOverrides = SettingsOverrides()) {
            self.source = source
            self.output = output
            self.includeDrafts = includeDrafts
            self.overrides = overrides
        }
    }

    public struct Report: Sendable {
        public var products: Int
        public var pages: Int
        public var files: Int
        public var written: SiteWriter.Summary?
        /// Seconds per phase, in order.
        public var timings: [(phase: String, seconds: Double)]
        /// Problems that did not stop the build.
        public var warnings: [Diagnostic] = []
    }

    /// Loads, validates and renders without writing (`gage check`, and the first half of `build`).
    public static func render(_ options: Options) throws(BuildErrors) -> (shop: Shop, files: [OutputFile], report: Report) {
        var clock = PhaseClock()
        let shop = try ShopLoader.load(from: options.source, includeDrafts: options.includeDrafts,
                                       overrides: options.overrides)
        clock.lap("load")
        let theme = try Theme.load(shopRoot: shop.root)
        clock.lap("theme")
        let files = SiteRenderer(shop: shop, theme: theme).render()
        clock.lap("render")
        let pages = files.filter { $0.path.hasSuffix(".html") }.count
        let report = Report(products: shop.products.count, pages: pages, files: files.count, written: nil,
                            timings: clock.laps, warnings: shop.warnings)
        return (shop, files, report)
    }

    public static func build(_ options: Options) throws(BuildErrors) -> Report {
        var clock = PhaseClock()
        var (_, files, report) = try render(options)
        clock.lap("")
        report.written = try SiteWriter(output: options.output).write(files)
        clock.lap("write")
        report.timings.append(clock.laps[1])
        return report
    }
}

/// Wall-clock time per phase, for the build summary and `gage serve`'s rebuild log.
struct PhaseClock {
    private var last = ContinuousClock.now
    private(set) var laps: [(phase: String, seconds: Double)] = []

    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        laps.append((phase, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        last = now
    }
}

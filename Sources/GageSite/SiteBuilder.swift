import Foundation
import GageCatalog
import GageCore
import GageImages

/// The build pipeline, one explicit step after another: load → theme → render → write.
public enum SiteBuilder {
    public struct Options: Sendable {
        public var source: String
        public var output: String
        public var includeDrafts: Bool
        /// Settings replaced for this build (`gage serve`: its local address, the sandbox SDK).
        public var overrides: SettingsOverrides
        /// Where resized photos are kept between builds: `GAGE_CACHE_DIR` when set, else `.gage/cache` in the
        /// source folder.
        public var cacheFolder: String

        public init(source: String, output: String, includeDrafts: Bool = false,
                    overrides: SettingsOverrides = SettingsOverrides(), cacheFolder: String? = nil) {
            self.source = source
            self.output = output
            self.includeDrafts = includeDrafts
            self.overrides = overrides
            self.cacheFolder = cacheFolder ?? Self.defaultCacheFolder(source: source)
        }

        static func defaultCacheFolder(source: String) -> String {
            let variable = ProcessInfo.processInfo.environment["GAGE_CACHE_DIR"] ?? ""
            // `off` turns the verify function's caches off; photos still need a place to be made in.
            if variable == "off" { return NSTemporaryDirectory() + "gage-cache-\(getuid())" }
            return variable.isEmpty ? source + "/.gage/cache" : variable
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
        let (shop, files, report, _) = try render(options, memo: nil)
        return (shop, files, report)
    }

    /// With a `memo` (`gage serve`), an edit that only changes products renders just the files it alters;
    /// `complete` says whether `files` is the whole site (so the writer may remove what it no longer makes).
    /// With `stream`, pages go to it as they are rendered (see `SiteRenderer.render`).
    public static func render(_ options: Options, memo: BuildMemo?,
                              stream: (@Sendable (OutputFile) -> OutputFile)? = nil) throws(BuildErrors)
        -> (shop: Shop, files: [OutputFile], report: Report, complete: Bool) {
        var clock = PhaseClock()
        let shop = try ShopLoader.load(from: options.source, includeDrafts: options.includeDrafts,
                                       overrides: options.overrides, productFiles: memo?.productFiles,
                                       catalogEncodings: memo?.rendered.catalogEncodings)
        clock.lap("load")
        let theme = try Theme.load(shopRoot: shop.root, reusing: memo?.last?.theme)
        clock.lap("theme")
        let photos = try SitePhotos.make(for: shop, library: PhotoLibrary(folder: options.cacheFolder + "/photos"))
        clock.lap("photos")
        let changes = memo?.last.flatMap { last in
            // A photo whose bytes changed gets new variant names on every page and card that shows it.
            last.photos == photos
                ? RenderChanges.between(last.shop, shop, themeUnchanged: last.theme.sources == theme.sources) : nil
        }
        let files = SiteRenderer(shop: shop, theme: theme, photos: photos)
            .render(changes: changes, memo: memo?.rendered ?? RenderMemo(), stream: stream)
        memo?.last = (shop, theme, photos)
        clock.lap("render")
        let pages = files.filter { $0.path.hasSuffix(".html") }.count
        let report = Report(products: shop.products.count, pages: pages, files: files.count, written: nil,
                            timings: clock.laps, warnings: shop.warnings)
        return (shop, files, report, changes == nil)
    }

    /// Renders and writes; each page is written as soon as it is rendered (a big site is never all in memory),
    /// so "render" includes writing the pages and "write" is the rest of the files and removing stale ones.
    public static func build(_ options: Options) throws(BuildErrors) -> Report {
        let pages = try SiteWriter.PageStream(SiteWriter(output: options.output))
        var clock = PhaseClock()
        var (_, files, report, _) = try render(options, memo: nil, stream: pages.write)
        clock.lap("")
        report.written = try pages.finish(files)
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

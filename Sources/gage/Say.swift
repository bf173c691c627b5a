import Foundation
import GageCatalog

/// The language of the messages a seller reads: Korean for a `ko` shop (the default), English for an `en` one.
/// Commands that load a shop (`check`, `doctor`) set it from its shop.yml; the ledger commands, run wherever the
/// seller is, take it from a shop.yml in the current folder when there is one. Help text stays English.
enum Say {
    nonisolated(unsafe) static var language: ShopSettings.Language = detected(in: ".")

    static var korean: Bool { language == .ko }

    static func text(ko: String, en: String) -> String { korean ? ko : en }

    /// The `language:` of `folder/shop.yml`, ko when there is none.
    static func detected(in folder: String) -> ShopSettings.Language {
        guard let text = try? String(contentsOfFile: folder + "/shop.yml", encoding: .utf8),
              let settings = ShopSettings.parse(text).0 else { return .ko }
        return settings.language
    }
}

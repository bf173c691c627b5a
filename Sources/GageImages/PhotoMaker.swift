import CVips
import GageCore

/// Why a photo cannot be published, in words for the author (the file and line are added by the caller).
public struct PhotoError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How photos are resized and encoded. Part of the cache key: a changed plan makes every photo anew.
public struct PhotoPlan: Sendable, Equatable {
    /// Widths for phones (1×–2×), tablets and desktop; a photo narrower than one is published at its own width
    /// instead, never enlarged.
    public var widths: [Int] = [480, 960, 1600]
    public var jpegQuality = 80
    public var webpQuality = 75

    public init() {}

    var fingerprint: String {
        "w" + widths.map(String.init).joined(separator: "-") + "-j\(jpegQuality)-p\(webpQuality)-v1"
    }
}

/// Turns one photo file into its variants with libvips: decoded once (JPEG shrink-on-load), turned upright,
/// scaled down to each width and saved as WebP and in the source's format, metadata stripped.
struct PhotoMaker {
    let plan: PhotoPlan

    /// Writes the variants into `folder` (which exists) and describes them.
    func make(source: String, hash: String, into folder: String) throws(PhotoError) -> Photo {
        guard Vips.started else { throw PhotoError("libvips could not be started") }
        guard let loader = gage_vips_loader(source).map({ String(cString: $0) }) else {
            Vips.clearError()
            throw PhotoError("is not an image libvips can read (JPEG, PNG, WebP, GIF, SVG, HEIC, TIFF …)")
        }
        let kind = loader.lowercased()
        if kind.contains("svg") || kind.contains("gif") {
            // A drawing scales by itself and an animation would lose its frames: both are published as they are.
            // An SVG need not state a size (it scales to its box): then the page leaves the size to CSS.
            var width: Int32 = 0, height: Int32 = 0
            if gage_vips_check(source, kind.contains("gif") ? 1 : 0, &width, &height) != 0 {
                guard kind.contains("svg") else { throw Vips.error("cannot be decoded") }
                Vips.clearError()
                (width, height) = (0, 0)
            }
            return Photo(hash: hash, width: Int(width), height: Int(height), variants: [])
        }
        let formats: [PhotoFormat] = kind.contains("jpeg") ? [.webp, .jpeg]
            : kind.contains("png") ? [.webp, .png] : kind.contains("webp") ? [.webp] : [.webp, .jpeg]
        let largestWidth = plan.widths.max() ?? 1600
        guard let largest = gage_vips_load_scaled(source, Int32(largestWidth)) else {
            throw Vips.error("cannot be decoded")
        }
        defer { g_object_unref(largest) }
        gage_vips_remove_metadata(largest)
        let fullWidth = Int(vips_image_get_width(largest))
        let widths = plan.widths.filter { $0 < fullWidth } + [fullWidth]
        var variants: [Photo.Variant] = []
        for width in widths {
            let image: UnsafeMutablePointer<VipsImage>
            if width == fullWidth {
                image = largest
            } else {
                guard let scaled = gage_vips_scaled(largest, Int32(width)) else { throw Vips.error("cannot be resized") }
                image = scaled
            }
            defer { if image != largest { g_object_unref(image) } }
            for format in formats {
                let variant = Photo.Variant(width: width, height: Int(vips_image_get_height(image)), format: format)
                let path = folder + "/" + variant.fileName
                let failed: Int32 = switch format {
                case .webp: gage_vips_save_webp(image, path, Int32(plan.webpQuality))
                case .jpeg: gage_vips_save_jpeg(image, path, Int32(plan.jpegQuality))
                case .png: gage_vips_save_png(image, path)
                }
                guard failed == 0 else { throw Vips.error("cannot be saved as \(format.rawValue)") }
                variants.append(variant)
            }
        }
        return Photo(hash: hash, width: fullWidth, height: Int(vips_image_get_height(largest)), variants: variants)
    }
}

/// libvips, started once per process.
enum Vips {
    static let started: Bool = gage_vips_start() == 0

    /// libvips's last error for this photo, after `what`.
    static func error(_ what: String) -> PhotoError {
        let detail = vips_error_buffer().map { String(cString: $0) } ?? ""
        vips_error_clear()
        let firstLine = detail.split(separator: "\n").first.map(String.init) ?? ""
        return PhotoError(firstLine.isEmpty ? what : "\(what): \(firstLine)")
    }

    static func clearError() { vips_error_clear() }
}

/// The formats Gage publishes photos in.
public enum PhotoFormat: String, Codable, Sendable {
    case jpeg, png, webp

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    public var mimeType: String { "image/" + rawValue }
}

/// A product photo as a build publishes it: its resized variants, or — for a drawing (SVG) or an animation
/// (GIF) — the file as it is, with its size.
public struct Photo: Codable, Sendable, Equatable {
    /// The start of the SHA-256 of the file's bytes (and of how variants are made). Published names carry it, so
    /// a changed photo gets new addresses and no browser or CDN keeps showing the old one.
    public var hash: String
    /// The size of the largest variant, or of the file published as it is (upright: EXIF orientation applied);
    /// 0 when unknown (an SVG without a size).
    public var width: Int
    public var height: Int
    /// Smallest first; empty when the file is published as it is.
    public var variants: [Variant]

    public struct Variant: Codable, Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var format: PhotoFormat

        /// The variant's file in the photo's cache folder.
        public var fileName: String { "\(width).\(format.fileExtension)" }
    }

    public init(hash: String, width: Int, height: Int, variants: [Variant]) {
        self.hash = hash
        self.width = width
        self.height = height
        self.variants = variants
    }

    /// The format every browser shows (the source's own, JPEG or PNG); WebP only for a WebP source.
    public var fallbackFormat: PhotoFormat? {
        variants.first { $0.format != .webp }?.format ?? variants.first?.format
    }

    public func variants(in format: PhotoFormat) -> [Variant] { variants.filter { $0.format == format } }
}

import Dispatch
import GageCatalog
import GageCore
import GageImages

/// The shop's local product photos, made (or found in the cache) before any page renders, so that pages can
/// carry each photo's `srcset` and size. Keyed by the file's path in the source folder
/// (`static/images/a.jpg`, `content/products/x/a.jpg`).
public struct SitePhotos: Sendable, Equatable {
    var photos: [String: Photo]
    let library: PhotoLibrary?

    public static let none = SitePhotos(photos: [:], library: nil)

    public static func == (a: SitePhotos, b: SitePhotos) -> Bool { a.photos == b.photos }

    /// Every distinct local photo of the products, across the cores. A file libvips cannot read is an error at
    /// the `images:` line of each product that names it.
    static func make(for shop: Shop, library: PhotoLibrary) throws(BuildErrors) -> SitePhotos {
        var sources: [String] = []
        var users: [String: [ProductSource]] = [:]
        for product in shop.products {
            for image in product.images where !SiteContext.isRemote(image) {
                let path = ShopLoader.imagePath(image, of: product).path
                if users[path] == nil { sources.append(path) }
                users[path, default: []].append(product)
            }
        }
        let results = ResultSlots<Result<Photo, PhotoError>>(count: sources.count)
        let root = shop.root, paths = sources
        DispatchQueue.concurrentPerform(iterations: sources.count) { index in
            results[index] = Result { () throws(PhotoError) -> Photo in try library.photo(at: root + "/" + paths[index]) }
        }
        library.save()
        var photos: [String: Photo] = [:]
        var problems: [Diagnostic] = []
        for (path, result) in zip(sources, results.values) {
            switch result {
            case let .success(photo):
                photos[path] = photo
            case let .failure(error):
                for product in users[path] ?? [] {
                    problems.append(Diagnostic(
                        file: product.file, line: ShopLoader.lineOf(key: "images", in: product, root: root),
                        message: "image '\(path)' \(error.message)",
                        hint: "save the photo again (it may be damaged or cut short) as JPEG, PNG, WebP, GIF or SVG, or remove it from images:"))
                }
            }
        }
        guard problems.isEmpty else { throw BuildErrors(problems) }
        return SitePhotos(photos: photos, library: library)
    }

    func photo(_ image: String, of product: ProductSource) -> Photo? {
        SiteContext.isRemote(image) ? nil : photos[ShopLoader.imagePath(image, of: product).path]
    }

    /// A variant's name as `images:` would write it: beside the source, named by width and content hash
    /// (`photos/beans.jpg` → `photos/beans-960w.3fa2c1d9e0a1b2c3.webp`).
    static func variantImage(_ image: String, _ variant: Photo.Variant, of photo: Photo) -> String {
        let folderEnd = image.lastIndex(of: "/").map { image.index(after: $0) } ?? image.startIndex
        let name = image[folderEnd...]
        let stem = name.lastIndex(of: ".").map { name[..<$0] } ?? name
        return image[..<folderEnd] + "\(stem)-\(variant.width)w.\(photo.hash).\(variant.format.fileExtension)"
    }

    /// The variants' files for the output folder, each once however many products show it.
    func outputFiles(for shop: Shop) -> [OutputFile] {
        guard let library else { return [] }
        var files: [OutputFile] = []
        var seen: Set<String> = []
        for product in shop.products {
            for image in product.images {
                guard let photo = photo(image, of: product) else { continue }
                for variant in photo.variants {
                    let path = SiteContext.outputPath(of: Self.variantImage(image, variant, of: photo), of: product)
                    guard seen.insert(path).inserted else { continue }
                    files.append(OutputFile(path: path, content: .stored(from: library.file(variant, of: photo))))
                }
            }
        }
        return files
    }
}

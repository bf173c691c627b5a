/// The list order of the last load under `gage serve`. An edit that changes a few products' weight or title
/// takes just those out and puts them back in their places, instead of sorting 10,000 products again; an edit
/// that changes neither keeps the order as it was. Used by one load at a time (`ShopLoader`).
final class ListOrderMemo: @unchecked Sendable {
    /// Past this many moved products a full sort is as quick.
    static let mostMoved = 64

    private var last: (products: [ProductSource], order: [Int])?

    /// Indices of `products` in list order (`ShopLoader.listOrder`), the same as sorting them would give.
    func order(of products: [ProductSource]) -> [Int] {
        let order = moved(products).map { patch(products, moving: $0) } ?? Self.sorted(products)
        last = (products, order)
        return order
    }

    static func sorted(_ products: [ProductSource]) -> [Int] {
        // Sorted by index: moving 10,000 whole products about costs more than comparing them.
        products.indices.sorted { ShopLoader.listOrder(products[$0], products[$1]) }
    }

    /// The products whose place may have changed since the last load, or nil when the files are not the same ones.
    private func moved(_ products: [ProductSource]) -> [Int]? {
        guard let last, last.products.count == products.count else { return nil }
        var moved: [Int] = []
        for (index, (before, after)) in zip(last.products, products).enumerated() where before.storage !== after.storage {
            guard before.slug == after.slug else { return nil }
            if before.weight != after.weight || before.storage.titleOrder != after.storage.titleOrder {
                moved.append(index)
                if moved.count > Self.mostMoved { return nil }
            }
        }
        return moved
    }

    private func patch(_ products: [ProductSource], moving moved: [Int]) -> [Int] {
        guard let last else { return Self.sorted(products) }
        if moved.isEmpty { return last.order }
        let movedSet = Set(moved)
        var order = last.order.filter { !movedSet.contains($0) }
        for index in moved {
            // Slugs are unique, so the order is strict: the first product that should follow is where it goes.
            var (low, high) = (0, order.count)
            while low < high {
                let middle = (low + high) / 2
                if ShopLoader.listOrder(products[index], products[order[middle]]) { high = middle } else { low = middle + 1 }
            }
            order.insert(index, at: low)
        }
        return order
    }
}

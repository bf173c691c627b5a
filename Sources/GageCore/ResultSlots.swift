/// Result slots filled from `DispatchQueue.concurrentPerform`: memory allocated once, and each iteration
/// writes only its own slot, so no two threads touch the same value. Read the slots after the loop.
public final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Value?>
    public let count: Int

    public init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: max(count, 1))
    }

    deinit {
        slots.deinitialize(count: max(count, 1))
        slots.deallocate()
    }

    public subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    /// The filled slots, in order.
    public var values: [Value] {
        var values: [Value] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            if let value = slots[index] { values.append(value) }
        }
        return values
    }
}

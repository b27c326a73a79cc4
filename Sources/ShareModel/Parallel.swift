import Dispatch

extension Array where Element: Sendable {
    /// Maps on all cores, keeping order. For CPU-bound, independent work per element.
    public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 2 { return map(transform) }
        let elements = self
        // Each result is made in its final slot: no copy of it afterwards.
        return [T](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            nonisolated(unsafe) let slots = buffer.baseAddress!
            // Chunks keep scheduling overhead low for many small items.
            let chunkCount = Swift.min(elements.count, 64)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                var index = chunk * elements.count / chunkCount
                let end = (chunk + 1) * elements.count / chunkCount
                while index < end {
                    (slots + index).initialize(to: transform(elements[index]))
                    index += 1
                }
            }
            initializedCount = elements.count
        }
    }
}

/// Runs `first` and `second` at once, on two cores where there are two.
public func concurrently<First: Sendable, Second: Sendable>(
    _ first: @Sendable () -> First, _ second: @Sendable () -> Second
) -> (First, Second) {
    // Each slot is written by one iteration and read after both have ended.
    nonisolated(unsafe) var firstResult: First?
    nonisolated(unsafe) var secondResult: Second?
    DispatchQueue.concurrentPerform(iterations: 2) { index in
        if index == 0 { firstResult = first() } else { secondResult = second() }
    }
    return (firstResult!, secondResult!)
}

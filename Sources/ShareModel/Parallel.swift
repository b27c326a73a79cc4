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

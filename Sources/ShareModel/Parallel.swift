import Dispatch

extension Array where Element: Sendable {
    /// Maps on all cores, keeping order. For CPU-bound, independent work per element.
    public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 2 { return map(transform) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        // Chunks keep scheduling overhead low for many small items.
        let chunkCount = Swift.min(count, 64)
        let elements = self
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            var index = chunk * elements.count / chunkCount
            let end = (chunk + 1) * elements.count / chunkCount
            while index < end {
                slots[index] = transform(elements[index])
                index += 1
            }
        }
        return results.map { $0! }
    }
}

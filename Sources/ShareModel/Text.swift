extension String {
    /// The text without leading and trailing whitespace (blank fields, template tag names).
    public var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}

extension Array where Element == UInt8 {
    /// Where `run` first occurs at or after `start`, byte by byte (Foundation's generic
    /// search was slow on a large manifest); nil for an empty run.
    public func firstIndex(ofRun run: [UInt8], from start: Int = 0) -> Int? {
        guard let first = run.first else { return nil }
        var index = start
        while index + run.count <= count {
            if self[index] == first, self[index..<index + run.count].elementsEqual(run) { return index }
            index += 1
        }
        return nil
    }
}

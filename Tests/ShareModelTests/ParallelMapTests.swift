import Synchronization
import Testing
import ShareModel

@Suite struct ParallelMapTests {
    /// Counts its instances still alive.
    final class Tracked: Sendable {
        static let alive = Atomic<Int>(0)
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.alive.add(1, ordering: .relaxed)
        }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    @Test("keeps order, and frees every result once the caller drops it")
    func orderAndLifetime() {
        do {
            let results = Array(0..<10_000).parallelMap { Tracked($0 * 2) }
            #expect(results.map(\.value) == Array(0..<10_000).map { $0 * 2 })
            #expect(Tracked.alive.load(ordering: .relaxed) == 10_000)
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == 0)
    }
}

import Foundation
import Synchronization
import Testing
@testable import ShareBuild

@Suite struct ReleaseInBackgroundTests {
    /// Counts how many are freed, and how many of those on the thread that let them go.
    final class Freed: Sendable {
        static let caller = Atomic<UInt>(0)
        static let freed = Atomic<Int>(0)
        static let onCaller = Atomic<Int>(0)
        deinit {
            Self.freed.add(1, ordering: .relaxed)
            if UInt(bitPattern: Int(bitPattern: pthread_self())) == Self.caller.load(ordering: .relaxed) { Self.onCaller.add(1, ordering: .relaxed) }
        }
    }

    @Test("frees what it is handed, and not on the caller's thread")
    func freesElsewhere() {
        Freed.caller.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .relaxed)
        let values = (0..<100).map { _ in Freed() }
        releaseInBackground(consume values)
        // Waits blocking this thread, so that the release cannot run on it meanwhile.
        for _ in 0..<500 where Freed.freed.load(ordering: .relaxed) < 100 { usleep(10_000) }
        #expect(Freed.freed.load(ordering: .relaxed) == 100)
        #expect(Freed.onCaller.load(ordering: .relaxed) == 0)
    }
}

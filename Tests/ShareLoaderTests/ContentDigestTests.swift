@testable import ShareLoader
import Testing
import TestSupport

/// The build cache takes an equal digest for unchanged bytes: every small edit must change it.
@Suite struct ContentDigestTests {
    @Test("equal bytes give equal digests; any one flipped bit, or two in different words, changes it")
    func flips() {
        var random = SplitMix64(seed: 7)
        // Lengths around the word and half-word steps, so every tail path is covered.
        for length in [1, 3, 4, 7, 8, 9, 12, 15, 16, 31, 33, 100] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let digest = contentDigest(bytes)
            #expect(contentDigest(Array(bytes)) == digest)
            var seen: Set<UInt64> = [digest]
            for bit in 0..<(length * 8) {
                var flipped = bytes
                flipped[bit / 8] ^= 1 << (bit % 8)
                seen.insert(contentDigest(flipped))
                // The same bit in the next word: a word-wise FNV-1a cancels these for the top bit.
                if bit / 8 + 8 < length {
                    flipped[bit / 8 + 8] ^= 1 << (bit % 8)
                    seen.insert(contentDigest(flipped))
                }
            }
            let expected = 1 + length * 8 + max(0, length - 8) * 8
            #expect(seen.count == expected, "length \(length)")
        }
        // A byte added or removed at the end changes it too (the length is mixed in).
        #expect(contentDigest([0, 0, 0, 0]) != contentDigest([0, 0, 0, 0, 0]))
        #expect(contentDigest([]) != contentDigest([0]))
    }
}

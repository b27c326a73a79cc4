import Foundation
import Testing
import TestSupport

/// `sharegen build` of the example site in separate processes must write the same files
/// with the same bytes. Swift seeds `Hasher` afresh in every process, so output that follows
/// a Dictionary's or a Set's order comes out the same on every build inside one process (which
/// is all the golden test can see) but differs between processes.
@Suite("Deterministic output across processes")
struct ProcessDeterminismTests {
    /// One `SWIFT_DETERMINISTIC_HASHING` value per build: unset gives the process a random
    /// seed, "1" the fixed one. Two random seeds and the fixed one make a shared order unlikely.
    static let hashSeeds: [String?] = [nil, nil, "1"]

    @Test("builds of the example site with different hash seeds are byte-identical", arguments: ["PROD", "STAGING", "DEV"])
    func sameBytesWhateverTheHashSeed(channel: String) throws {
        let scratch = NSTemporaryDirectory() + "sharegen-determinism-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var builds: [(seed: String, files: [String: Data])] = []
        for (index, seed) in Self.hashSeeds.enumerated() {
            // A folder of its own per build, so that no build finds an earlier one's cache.
            let output = "\(scratch)/\(index)/dist"
            let built = try runProgram(
                try sharegenBinary, ["build", "--force", "--root", Tools.repository, "--channel", channel, "--out", output],
                environment: ["SWIFT_DETERMINISTIC_HASHING": seed])
            let name = seed.map { "fixed hash seed (SWIFT_DETERMINISTIC_HASHING=\($0))" } ?? "random hash seed \(index)"
            try #require(built.status == 0, "sharegen build with \(name) failed: \(built.standardError)")
            builds.append((name, try directoryContents(output)))
        }
        let first = builds[0]
        #expect(first.files.count > 10, "the example site's \(channel) output has only \(first.files.count) files")
        for other in builds.dropFirst() {
            #expect(other.files.keys.sorted() == first.files.keys.sorted(), "the file paths of the \(first.seed) and \(other.seed) builds differ")
            let differing = first.files.keys.sorted().filter { other.files[$0] != nil && other.files[$0] != first.files[$0] }
            #expect(differing.isEmpty, "\(channel) files whose bytes differ between the \(first.seed) and \(other.seed) builds: \(differing)")
        }
    }
}

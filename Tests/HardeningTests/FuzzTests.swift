import Foundation
import ShareModel
import Synchronization
import Testing
import TestSupport

/// Seeded mutation fuzzing of the loader and validator over the example site's files.
///
/// Each input is one example file mutated once, or up to four times (bit flips, structural
/// characters, truncation, deleted or duplicated ranges and lines, splices from other
/// example files, YAML and number tokens), loaded and validated in memory beside the
/// other files of its project and `sharegen.json`. Every input must be handled in under
/// a second, and every diagnostic (so every error of a rejected input) must name a file
/// and a 1-based line and column that exist in that file. `SHAREGEN_FUZZ_ITERATIONS` (default 15,000) and
/// `SHAREGEN_FUZZ_SEED` set the run; `SHAREGEN_FUZZ_SAVE=1` saves the first input of
/// every rule id into `Fixtures/fuzz-corpus/`, which `corpusReplays` loads every time.
@Suite("Loader fuzzing", .tags(.fuzz, .slow))
struct FuzzTests {
    static let corpus = Harness.fixtures + "/fuzz-corpus"
    static let limit = 1.0

    /// The example site's input files, by path relative to the root.
    static func exampleFiles() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let root = Harness.repository
        files["sharegen.json"] = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/sharegen.json")))
        let enumerator = FileManager.default.enumerator(atPath: root + "/content")
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".json") || path.hasSuffix(".md") else { continue }
            files["content/" + path] = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/content/" + path)))
        }
        return files
    }

    /// The files an input of `path` is validated with: its project's files and the
    /// configuration (or, for the configuration, the first project).
    static func neighbours(of path: String, in files: [String: [UInt8]]) -> [String: [UInt8]] {
        let parts = path.split(separator: "/")
        let project = parts.count > 1 ? parts[1] : files.keys.filter { $0.hasPrefix("content/") }.sorted().first!.split(separator: "/")[1]
        return files.filter { $0.key == "sharegen.json" || $0.key.hasPrefix("content/\(project)/") }
    }

    struct Outcome {
        var seconds: Double
        var rules: Set<String>
        var problems: [String]
        var rejected: Bool
    }

    /// Loads and validates `site` once and checks every diagnostic against the files.
    static func check(_ site: [String: [UInt8]]) -> Outcome {
        let fileSystem = InMemoryFileSystem()
        for (path, bytes) in site { fileSystem.write(path, bytes: bytes) }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = Harness.validate(fileSystem)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var problems: [String] = []
        for diagnostic in result.diagnostics {
            let text = "\(diagnostic.file):\(diagnostic.line):\(diagnostic.column): \(diagnostic.message) [\(diagnostic.rule)]"
            if !Harness.isLocated(diagnostic) {
                problems.append("unlocated: \(text)")
            } else if let bytes = site[diagnostic.file], !Self.exists(diagnostic.location.position, in: bytes) {
                problems.append("outside the file: \(text)")
            }
        }
        return Outcome(seconds: seconds, rules: Set(result.diagnostics.map(\.rule)), problems: problems, rejected: !result.isValid)
    }

    /// Whether a line and column (in code points, as the loader counts) exist in `bytes`;
    /// the column just past a line's end is where "unexpected end" errors point.
    static func exists(_ position: SourcePosition, in bytes: [UInt8]) -> Bool {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard position.line <= lines.count else { return false }
        let characters = lines[position.line - 1].count { $0 & 0xC0 != 0x80 }
        return position.column <= characters + 1
    }

    @Test("mutated example files never crash, hang or give an unlocated diagnostic")
    func mutations() throws {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["SHAREGEN_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 15_000
        let seed = environment["SHAREGEN_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5EED_0009
        let save = environment["SHAREGEN_FUZZ_SAVE"] == "1"
        let files = try Self.exampleFiles()
        let paths = files.keys.sorted()
        try #require(paths.count >= 5, "the example site is missing")
        var mutator = Mutator(seed: seed, donors: paths.map { files[$0]! })
        var seen: Set<String> = []
        var rejected = 0, slowest = 0.0, failures = 0
        let watchdog = Watchdog(limit: 30)
        defer { watchdog.stop() }
        let started = Date()
        for iteration in 0..<iterations {
            let path = paths[mutator.next(paths.count)]
            let input = mutator.mutate(files[path]!)
            var site = Self.neighbours(of: path, in: files)
            site[path] = input
            watchdog.arm(path: path, input: input)
            var outcome = Self.check(site)
            // A loaded machine can stall any run: only an input that is slow every time counts.
            for _ in 0..<2 where outcome.seconds > Self.limit { outcome.seconds = min(outcome.seconds, Self.check(site).seconds) }
            watchdog.disarm()
            slowest = max(slowest, outcome.seconds)
            if outcome.rejected { rejected += 1 }
            var problems = outcome.problems
            if outcome.seconds > Self.limit { problems.append("took \(outcome.seconds) s") }
            if !problems.isEmpty {
                failures += 1
                if failures <= 20 { Issue.record("input \(iteration) (\(path), seed \(seed)): \(problems.joined(separator: "; "))") }
                if save { try Self.save(input, at: path, as: "bug-\(iteration)") }
            }
            for rule in outcome.rules.subtracting(seen).sorted() {
                seen.insert(rule)
                if save { try Self.save(input, at: path, as: rule) }
            }
        }
        print("fuzz: \(iterations) inputs (seed \(seed)) in \(Int(Date().timeIntervalSince(started))) s, \(rejected) rejected, "
              + "slowest \(Int(slowest * 1000)) ms, \(failures) with problems, \(seen.count) rule ids: \(seen.sorted().joined(separator: " "))")
        #expect(failures == 0)
    }

    /// Writes one input as `fuzz-corpus/<name>/<path>`.
    static func save(_ input: [UInt8], at path: String, as name: String) throws {
        let url = URL(fileURLWithPath: "\(corpus)/\(name)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(input).write(to: url)
    }

    @Test("saved fuzz inputs still give their diagnostic, located, in time")
    func corpusReplays() throws {
        let files = try Self.exampleFiles()
        let cases = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).filter { !$0.hasPrefix(".") }.sorted()
        #expect(cases.count >= 20, "the corpus is missing")
        for name in cases {
            let directory = "\(Self.corpus)/\(name)"
            let entries = FileManager.default.enumerator(atPath: directory)?.allObjects.compactMap { $0 as? String } ?? []
            guard let path = entries.first(where: { entry in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: "\(directory)/\(entry)", isDirectory: &isDirectory) && !isDirectory.boolValue
            }) else {
                Issue.record("\(name) holds no file")
                continue
            }
            var site = Self.neighbours(of: path, in: files)
            site[path] = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(path)")))
            let outcome = Self.check(site)
            #expect(outcome.problems.isEmpty, "\(name): \(outcome.problems)")
            #expect(outcome.seconds < Self.limit, "\(name) took \(outcome.seconds) s")
            // Cases are named `<rule>` or `<rule>--<what>` after the diagnostic they gave;
            // `bug-<iteration>` cases, saved because they failed, only need to pass now.
            let rule = name.components(separatedBy: "--")[0]
            if !name.hasPrefix("bug-") {
                #expect(outcome.rules.contains(rule), "\(name): the input now gives \(outcome.rules.sorted())")
            }
        }
    }
}

/// Seeded mutations of a file's bytes.
struct Mutator {
    private var random: SplitMix64
    let donors: [[UInt8]]

    /// Bytes that change the structure of JSON, YAML or Markdown, and some that break UTF-8
    /// or that YAML reads as line breaks.
    static let structural: [[UInt8]] = "{ } [ ] \" ' : , - # & * ! | > ? % @ ` \\ \n \t \r".split(separator: " ").map { Array($0.utf8) }
        + [[0x20], [0x00], [0xFF], [0xC3], [0x80], [0xEF, 0xBB, 0xBF], [0xC2, 0x85], [0xE2, 0x80, 0xA8], [0xED, 0xA0, 0x80]]
    /// Whole tokens with a meaning of their own.
    static let tokens: [String] = [
        "---\n", "...\n", "*a", "&a ", "!!binary ", "!!python/object ", "<<: *a\n", "? ", "null", "true", "~", "1e999", "-0",
        "99999999999999999999999", "0x1F", ".inf", "\"\\u0000\"", "\"\\ud800\"", "[[[[[[[[", "{{{{{{{{", "\"", "\u{202E}",
        "https://evil.test/", "javascript:alert(1)", "Enabled", "private", "PROD", "\t- ", "  ",
    ]

    init(seed: UInt64, donors: [[UInt8]]) {
        random = SplitMix64(seed: seed)
        self.donors = donors
    }

    /// A number in `0..<bound` (`bound` > 0).
    mutating func next(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &random) }

    mutating func mutate(_ original: [UInt8]) -> [UInt8] {
        var bytes = original
        // Mostly one edit, so that many inputs get past the parser to the rules.
        for _ in 0...(next(3) == 0 ? 1 + next(3) : 0) { step(&bytes) }
        return bytes
    }

    private mutating func range(in bytes: [UInt8], maxLength: Int = 64) -> Range<Int> {
        let start = next(bytes.count + 1)
        return start..<min(bytes.count, start + next(maxLength + 1))
    }

    private func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            ranges.append(start..<index + 1)
            start = index + 1
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    private mutating func step(_ bytes: inout [UInt8]) {
        let position = next(bytes.count + 1)
        switch next(11) {
        case 0 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] ^= 1 << UInt8(next(8))
        case 1:
            bytes.insert(contentsOf: Self.structural[next(Self.structural.count)], at: position)
        case 2 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] = Self.structural[next(Self.structural.count)][0]
        case 3:
            bytes.removeSubrange(position...)
        case 4:
            bytes.removeSubrange(range(in: bytes))
        case 5:
            let copy = Array(bytes[range(in: bytes)])
            bytes.insert(contentsOf: copy, at: next(bytes.count + 1))
        case 6:
            let donor = donors[next(donors.count)]
            let piece = donor[range(in: donor, maxLength: 400)]
            bytes.replaceSubrange(range(in: bytes), with: piece)
        case 7:
            bytes.insert(contentsOf: Array(Self.tokens[next(Self.tokens.count)].utf8), at: position)
        default:
            // Line-level edits keep most of the file parseable, so the validator sees it.
            var lines = lineRanges(bytes).map { Array(bytes[$0]) }
            guard !lines.isEmpty else { return }
            let line = next(lines.count)
            switch next(4) {
            case 0: lines.insert(lines[line], at: line)
            case 1: lines.remove(at: line)
            case 2: lines[line] = [0x20, 0x20] + lines[line]
            default: lines.swapAt(line, next(lines.count))
            }
            bytes = lines.flatMap { $0 }
        }
    }
}

/// Reports an input that runs for `limit` seconds: it is a hang, and the test would
/// otherwise never end. The input is written to a temporary file first.
final class Watchdog: Sendable {
    private struct Armed {
        var since: DispatchTime
        var path: String
        var input: [UInt8]
    }

    private let armed = Mutex<Armed?>(nil)
    private let stopped = Atomic(false)

    init(limit: Double) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                sleep(1)
                guard let current = armed.withLock({ $0 }),
                      Double(DispatchTime.now().uptimeNanoseconds - current.since.uptimeNanoseconds) / 1e9 > limit else { continue }
                let file = NSTemporaryDirectory() + "sharegen-fuzz-hang-" + current.path.replacingOccurrences(of: "/", with: "_")
                _ = FileManager.default.createFile(atPath: file, contents: Data(current.input))
                fatalError("the loader hangs on a mutation of \(current.path); the input is in \(file)")
            }
        }
        thread.start()
    }

    func arm(path: String, input: [UInt8]) {
        armed.withLock { $0 = Armed(since: .now(), path: path, input: input) }
    }

    func disarm() {
        armed.withLock { $0 = nil }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }
}

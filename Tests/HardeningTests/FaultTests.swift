import Foundation
import Synchronization
import Testing
import TestSupport

/// `sharegen build` (the real binary) under faults: a full disk, a read-only output,
/// SIGKILL at random moments, symlink loops and a file rewritten during the build. In
/// every case the previous output stays byte for byte as it was, the error says what
/// happened (exit status 3 for I/O failures), and a later build succeeds.
@Suite("Build faults", .serialized, .tags(.slow))
struct FaultTests {
    /// A generated site: `shares` projects of one JSON share each, whose titles carry `version`.
    static func site(shares: Int, version: String, descriptionRepeats: Int = 4) -> [String: String] {
        var files = ["sharegen.json": #"{"channels": {"PROD": {"baseURL": "https://watch.example.test"}}, "siteName": "Faults"}"#]
        let paragraph = String(repeating: "A paragraph of *description* that makes each page weigh a few kilobytes. ", count: descriptionRepeats)
        for index in 0..<shares {
            files["content/p\(index)/shares/share.json"] = """
            {
              "channel": "PROD",
              "slug": "\(slug(index))",
              "publicTitle": "Share \(index) \(version)",
              "description": "\(paragraph)",
              "video": {"id": "video-\(index)", "mp4Url": "https://cdn.example.test/\(index).mp4"}
            }
            """
        }
        return files
    }

    /// 16 characters of `[a-z2-7]`, as `rotate-slug` writes them.
    static func slug(_ index: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var random = SplitMix64(seed: UInt64(index))
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<32, using: &random)] })
    }

    /// Every regular file under `directory`, by relative path.
    static func snapshot(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return files }
        for case let path as String in enumerator {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: directory + "/" + path)
            }
        }
        return files
    }

    static func build(_ root: String, _ output: String) throws -> Child.Outcome {
        try Child.run(try Harness.binary, ["build", "--root", root, "--out", output], timeout: 300)
    }

    /// A temporary folder with a generated site in `root`, built once into `output`.
    struct Workspace {
        let directory: String
        var root: String { directory + "/site" }
        var output: String { directory + "/dist" }

        init(_ name: String, shares: Int, version: String) throws {
            directory = try Harness.temporaryDirectory(name)
            try Harness.write(FaultTests.site(shares: shares, version: version), under: directory + "/site")
            let built = try FaultTests.build(directory + "/site", directory + "/dist")
            guard built.status == 0 else {
                try? FileManager.default.removeItem(atPath: directory)
                throw Failure("the first build failed: \(built.standardError)")
            }
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Names in `parent` that a build left behind (staging or swapped-out trees).
    static func leftovers(in parent: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.contains(".staging-") || $0.contains(".previous-") }
    }

    /// Mounts a 512 KiB tmpfs at `path`.
    static func mountSmallDisk(at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try mount(["-t", "tmpfs", "-o", "size=512k", "tmpfs", path])
        if result.status != 0 { throw Failure("cannot mount a tmpfs at \(path): \(result.standardError)") }
    }

    /// Whether this process may mount a tmpfs (root, outside a restricted container):
    /// the full-disk and read-only tests are reported skipped where it may not.
    static let canMount: Bool = {
        guard let directory = try? Harness.temporaryDirectory("probe-mount") else { return false }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard (try? mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory]))?.status == 0 else { return false }
        unmount(directory)
        return true
    }()

    /// Whether `chattr +i` works on a folder here (root, on a file system with attributes).
    static let canMakeImmutable: Bool = {
        guard let chattr = Harness.tool("chattr"), let directory = try? Harness.temporaryDirectory("probe-chattr") else { return false }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard (try? Child.run(chattr, ["+i", directory]))?.status == 0 else { return false }
        _ = try? Child.run(chattr, ["-i", directory])
        return true
    }()

    static func mount(_ arguments: [String]) throws -> Child.Outcome {
        try Child.run(Harness.tool("mount") ?? "/bin/mount", arguments, timeout: 60)
    }

    static func unmount(_ path: String) {
        _ = try? Child.run(Harness.tool("umount") ?? "/bin/umount", [path], timeout: 60)
    }

    @Test("a full disk fails with exit 3 and 'No space left on device'; the previous output is intact",
          .enabled(if: canMount, "needs permission to mount a tmpfs (root)"))
    func fullDisk() throws {
        let directory = try Harness.temporaryDirectory("full-disk")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = directory + "/disk", output = disk + "/dist"
        try Self.mountSmallDisk(at: disk)
        defer { Self.unmount(disk) }
        try Harness.write(Self.site(shares: 3, version: "small"), under: directory + "/small")
        try Harness.write(Self.site(shares: 150, version: "large", descriptionRepeats: 20), under: directory + "/large")
        #expect(try Self.build(directory + "/small", output).status == 0)
        let before = Self.snapshot(output)

        let failed = try Self.build(directory + "/large", output)
        #expect(failed.status == 3, "\(failed.standardError)")
        #expect(failed.standardError.contains("No space left on device") && failed.standardError.contains("was not changed"), "\(failed.standardError)")
        #expect(Self.snapshot(output) == before)
        #expect(Self.leftovers(in: disk).isEmpty, "\(Self.leftovers(in: disk))")
        #expect(try Self.build(directory + "/small", output).status == 0)
        #expect(Self.snapshot(output) == before)
    }

    @Test("a read-only file system fails with exit 3; the previous output is intact and rebuilds once writable",
          .enabled(if: canMount, "needs permission to mount a tmpfs (root)"))
    func readOnlyFileSystem() throws {
        let directory = try Harness.temporaryDirectory("read-only")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = directory + "/disk", output = disk + "/dist", root = directory + "/site"
        try Self.mountSmallDisk(at: disk)
        defer { Self.unmount(disk) }
        try Harness.write(Self.site(shares: 3, version: "one"), under: root)
        #expect(try Self.build(root, output).status == 0)
        let before = Self.snapshot(output)
        try Harness.write(Self.site(shares: 3, version: "two"), under: root)
        #expect(try Self.mount(["-o", "remount,ro", disk]).status == 0)

        let failed = try Self.build(root, output)
        #expect(failed.status == 3, "\(failed.standardError)")
        #expect(failed.standardError.contains("Read-only file system") && failed.standardError.contains("was not changed"), "\(failed.standardError)")
        #expect(Self.snapshot(output) == before)

        #expect(try Self.mount(["-o", "remount,rw", disk]).status == 0)
        #expect(try Self.build(root, output).status == 0)
        #expect(Self.snapshot(output) != before)
    }

    @Test("an immutable output folder (chattr +i) fails with exit 3, leaves no staging tree and keeps the last build's store",
          .enabled(if: canMakeImmutable, "needs chattr +i (root, on a file system with attributes)"))
    func immutableOutput() throws {
        let workspace = try Workspace("immutable", shares: 3, version: "one")
        let (root, output) = (workspace.root, workspace.output)
        let chattr = Harness.tool("chattr")
        defer {
            if let chattr { _ = try? Child.run(chattr, ["-i", output]) }
            workspace.remove()
        }
        let before = Self.snapshot(output)
        guard let chattr, try Child.run(chattr, ["+i", output]).status == 0 else { throw Failure("chattr +i \(output) failed") }
        // One share of three edited in place.
        let edited = "content/p0/shares/share.json"
        try Harness.write([edited: Self.site(shares: 3, version: "two")[edited]!], under: root)

        let failed = try Self.build(root, output)
        #expect(failed.status == 3, "\(failed.standardError)")
        #expect(failed.standardError.contains("Operation not permitted") && failed.standardError.contains("was not changed"), "\(failed.standardError)")
        #expect(Self.snapshot(output) == before)
        #expect(Self.leftovers(in: workspace.directory).isEmpty, "\(Self.leftovers(in: workspace.directory))")

        // The failed build put the last build's store back: the next one finds the edit by
        // `stat` alone, as it would have without the failure. (`chattr -i` changed the output
        // folder's times, so it renders into a fresh tree.)
        #expect(try Child.run(chattr, ["-i", output]).status == 0)
        let rebuilt = try Child.run(try Harness.binary, ["build", "--timings", "--root", root, "--out", output], timeout: 300)
        #expect(rebuilt.status == 0 && rebuilt.standardError.contains("stat check: "), "\(rebuilt.standardError)")
        let page = try String(contentsOfFile: output + "/site/\(Self.slug(0))/index.html", encoding: .utf8)
        #expect(page.contains("Share 0 two"), "the rebuilt output has the edit")
        #expect(Self.snapshot(output).count == before.count)
    }

    @Test("SIGKILL at random moments leaves the old or the new output, never a mix; the next build succeeds")
    func killedBuilds() throws {
        let directory = try Harness.temporaryDirectory("killed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = directory + "/site", output = directory + "/dist"
        let versions = ["blue", "green"]
        // Kills are timed against the fastest full build so far, as the machine's load varies.
        var seconds = Double.infinity
        func timedBuild(_ output: String) throws -> Child.Outcome {
            let start = Date()
            let outcome = try Self.build(root, output)
            if outcome.standardError.contains("built PROD") { seconds = min(seconds, Date().timeIntervalSince(start)) }
            return outcome
        }
        var expected: [[String: Data]] = []
        for version in versions {
            try Harness.write(Self.site(shares: 150, version: version), under: root)
            #expect(try timedBuild(directory + "/clean-" + version).status == 0)
            expected.append(Self.snapshot(directory + "/clean-" + version))
        }
        try #require(expected[0] != expected[1])
        try Harness.write(Self.site(shares: 150, version: versions[0]), under: root)
        #expect(try timedBuild(output).status == 0)
        var random = SplitMix64(seed: 0xC0FFEE)
        var landed = [0, 0]
        let rounds = 8
        for round in 0..<rounds {
            let (old, new) = (round % 2, (round + 1) % 2)
            try Harness.write(Self.site(shares: 150, version: versions[new]), under: root)
            let child = try Child(try Harness.binary, ["build", "--root", root, "--out", output])
            // Up to half again a whole build, so that some kills land after the swap.
            let delay = Double.random(in: 0...(seconds * 1.5), using: &random)
            usleep(UInt32(delay * 1_000_000))
            child.kill()
            _ = try child.finish()
            let after = Self.snapshot(output)
            #expect(after == expected[old] || after == expected[new], "round \(round): killed after \(Int(delay * 1000)) ms, the output is a mix")
            landed[after == expected[new] ? 1 : 0] += 1
            let rebuilt = try timedBuild(output)
            #expect(rebuilt.status == 0, "round \(round): \(rebuilt.standardError)")
            #expect(Self.snapshot(output) == expected[new], "round \(round): the build after the kill differs from a clean build")
            #expect(Self.leftovers(in: directory).isEmpty, "\(Self.leftovers(in: directory))")
        }
        print("faults: \(rounds) builds killed at random within 1.5 build times: \(landed[0]) left the old output, \(landed[1]) the new one")
    }

    @Test("symlink loops in content/ and templates/ give located diagnostics, not a hang")
    func symlinkLoops() throws {
        let workspace = try Workspace("loops", shares: 2, version: "one")
        defer { workspace.remove() }
        let (root, output) = (workspace.root, workspace.output)
        let before = Self.snapshot(output)
        let links = [
            ("content/p0/shares/loop.json", "loop.json"),
            ("content/p0/shares/ping.md", "pong.md"), ("content/p0/shares/pong.md", "ping.md"),
            ("content/loop", "."), ("templates/loop", "."),
        ]
        try FileManager.default.createDirectory(atPath: root + "/templates", withIntermediateDirectories: true)
        for (path, target) in links {
            try FileManager.default.createSymbolicLink(atPath: root + "/" + path, withDestinationPath: target)
        }
        let failed = try Child.run(try Harness.binary, ["build", "--root", root, "--out", output], timeout: 60)
        #expect(failed.status == 1, "\(failed.standardError)")
        for file in ["content/p0/shares/loop.json", "content/p0/shares/ping.md", "content/p0/shares/pong.md"] {
            #expect(failed.standardError.contains("\(file):1:1: error: cannot read file: Too many levels of symbolic links [source.unreadable]"),
                    "\(failed.standardError)")
        }
        #expect(Self.snapshot(output) == before)
    }

    @Test("a file rewritten during builds: each build is consistent or fails located; the last one is current")
    func fileChangedWhileBuilding() throws {
        let workspace = try Workspace("changing", shares: 200, version: "v1")
        defer { workspace.remove() }
        let (root, output) = (workspace.root, workspace.output)
        let target = "content/p7/shares/share.json"
        let versions = ["v1", "v2"].map { Self.site(shares: 200, version: $0)[target]! }
        let writer = Rewriter(path: root + "/" + target, versions: versions)
        var outcomes = ["consistent": 0, "rejected": 0]
        for round in 0..<6 {
            let before = Self.snapshot(output)
            let result = try Self.build(root, output)
            let page = String(decoding: Self.snapshot(output)["site/\(Self.slug(7))/index.html"] ?? Data(), as: UTF8.self)
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/manifest.json"))) as? [String: Any]
            let entry = (manifest?["shares"] as? [[String: Any]])?.first { $0["slug"] as? String == Self.slug(7) }
            switch result.status {
            case 0:
                outcomes["consistent", default: 0] += 1
                let title = entry?["title"] as? String ?? ""
                #expect(["Share 7 v1", "Share 7 v2"].contains(title) && page.contains("<h1>\(title)</h1>"), "round \(round): manifest says \(title)")
            case 1:
                outcomes["rejected", default: 0] += 1
                #expect(result.standardError.contains("\(target):") && result.standardError.contains(": error: ") && result.standardError.contains("was not changed"),
                        "round \(round): \(result.standardError)")
                #expect(Self.snapshot(output) == before)
            default:
                Issue.record("round \(round): exit \(result.status): \(result.standardError)")
            }
        }
        writer.stop()
        try versions[1].write(toFile: root + "/" + target, atomically: false, encoding: .utf8)
        #expect(try Self.build(root, output).status == 0)
        let page = String(decoding: FileManager.default.contents(atPath: "\(output)/site/\(Self.slug(7))/index.html") ?? Data(), as: UTF8.self)
        #expect(page.contains("<h1>Share 7 v2</h1>"))
        print("faults: 6 builds during \(writer.writes) rewrites: \(outcomes["consistent"]!) consistent, \(outcomes["rejected"]!) rejected with a located error")
    }

    @Test("an in-place edit of the same size that keeps its modification time (as `cp -p` does) is rebuilt")
    func editWithRestoredModificationTime() throws {
        let workspace = try Workspace("restored-mtime", shares: 1, version: "v1")
        defer { workspace.remove() }
        let (root, output, target) = (workspace.root, workspace.output, "content/p0/shares/share.json")
        var info = stat()
        try #require(stat(root + "/" + target, &info) == 0)
        // Same inode, same size, then the old timestamps back, to the nanosecond.
        let fd = open(root + "/" + target, O_WRONLY)
        try #require(fd >= 0)
        let bytes = Array(Self.site(shares: 1, version: "v2")[target]!.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, bytes.count) }
        close(fd)
        let times = [info.st_atim, info.st_mtim]
        try #require(utimensat(AT_FDCWD, root + "/" + target, times, 0) == 0)
        #expect(try Self.build(root, output).status == 0)
        let page = String(decoding: FileManager.default.contents(atPath: "\(output)/site/\(Self.slug(0))/index.html") ?? Data(), as: UTF8.self)
        // The change time gives the edit away even with the old modification time restored.
        #expect(page.contains("<h1>Share 0 v2</h1>"))
    }
}

/// Rewrites a file in place (truncate, then write) with alternating contents, as fast as
/// it can, until stopped: readers can see it empty, half written or complete.
final class Rewriter: Sendable {
    private let stopped = Atomic(false)
    private let count = Atomic(0)
    private let done = Mutex(false)

    var writes: Int { count.load(ordering: .relaxed) }

    init(path: String, versions: [String]) {
        let thread = Thread { [self] in
            var index = 0
            while !stopped.load(ordering: .relaxed) {
                let bytes = Array(versions[index % versions.count].utf8)
                let fd = open(path, O_WRONLY | O_TRUNC)
                if fd >= 0 {
                    // Two halves, so a reader can catch the file in between.
                    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, bytes.count / 2) }
                    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + bytes.count / 2, bytes.count - bytes.count / 2) }
                    close(fd)
                }
                index += 1
                count.add(1, ordering: .relaxed)
                usleep(200)
            }
            done.withLock { $0 = true }
        }
        thread.start()
    }

    /// Stops the writer and waits until it has finished its last write.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        while !done.withLock({ $0 }) { usleep(1_000) }
    }
}

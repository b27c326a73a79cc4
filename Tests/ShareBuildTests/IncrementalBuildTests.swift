import Foundation
import ShareBuild
import ShareModel
import Testing
import TestSupport

/// Incremental builds must give exactly the output of a clean build.
@Suite("Incremental builds")
struct IncrementalBuildTests {
    static let fixture: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Tests/EndToEndTests/Fixtures/site"
    }()

    /// Every file under `path` with its bytes.
    func tree(_ path: String) throws -> [String: Data] {
        try directoryContents(path)
    }

    /// Replaces a file through a new inode, as editors that save atomically do.
    /// A fresh folder holding a copy of the fixture site in `site/`; the caller removes `work`.
    func copyOfFixture() throws -> (work: String, site: String) {
        let work = NSTemporaryDirectory() + "sharegen-incremental-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: work + "/site")
        return (work, work + "/site")
    }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `later`: build as if every file had been written long before, outside the racy
    /// window, so the stat-only check may trust what this build stamps.
    func build(_ root: String, into output: String, incremental: Bool, later: Bool = false) throws -> SiteBuild.Outcome {
        let build = later ? SiteBuild(root: root, now: { FileStamp.now() + 3_600 }) : SiteBuild(root: root)
        switch build.run(channel: .PROD, output: output, incremental: incremental) {
        case .success(let outcome): return outcome
        case .failure(let failure): throw TestFailure("\(failure)")
        }
    }

    /// Builds `site` into `output` incrementally, then expects exactly what a clean build
    /// of the same input writes (built in `work/expected`).
    @discardableResult
    func buildExpectingClean(_ site: String, into output: String, work: String, _ what: String, later: Bool = false) throws -> SiteBuild.Outcome {
        let outcome = try build(site, into: output, incremental: true, later: later)
        let expected = work + "/expected"
        try? FileManager.default.removeItem(atPath: expected)
        _ = try build(site, into: expected, incremental: false)
        #expect(try tree(output) == tree(expected), "\(what): the output differs from a clean build")
        return outcome
    }

    /// Changes one byte of the last occurrence of `text` in the file at `path`, in place.
    func damage(_ path: String, atLast text: String) throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let needle = Array(text.utf8)
        let at = try #require((0...(bytes.count - needle.count)).last { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
        bytes[at] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Prefixes the public PROD share's title with `step`.
    func editTitle(of share: String, _ step: Int) throws {
        let text = try String(contentsOfFile: share, encoding: .utf8)
        try write(text.replacingOccurrences(of: "\"publicTitle\": \"", with: "\"publicTitle\": \"\(step) "), to: share)
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test("random edit sequences: incremental output is byte-identical to a clean build", arguments: [1, 2, 3] as [UInt64])
    func randomEdits(seed: UInt64) throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        var random = SplitMix64(seed: seed)
        let incrementalOutput = work + "/incremental"
        // As if the fixture had been copied long ago, so its stamps vouch for it.
        _ = try build(site, into: incrementalOutput, incremental: true, later: true)
        let noOp = try build(site, into: incrementalOutput, incremental: true, later: true)
        #expect(noOp.built == nil, "a build with no change does nothing")
        var reused = 0
        var added: [String] = []
        for step in 0..<12 {
            let shareFiles = try FileManager.default.subpathsOfDirectory(atPath: site + "/content")
                .filter { $0.hasSuffix(".json") && $0.contains("/shares/") }.sorted()
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1:
                // Edit one share's title.
                let file = site + "/content/" + shareFiles.randomElement(using: &random)!
                let text = try String(contentsOfFile: file, encoding: .utf8)
                try write(text.replacingOccurrences(of: "\"publicTitle\": \"", with: "\"publicTitle\": \"Step \(step) "), to: file)
            case 2:
                // A new share in a new project.
                let slug = String((0..<16).map { _ in "abcdefghijklmnopqrstuvwxyz234567".randomElement(using: &random)! })
                let file = "content/new\(step)/shares/s.json"
                try write(#"{"channel": "PROD", "slug": "\#(slug)", "publicTitle": "New \#(step)", "video": {"id": "new-\#(step)", "mp4Url": "https://cdn.example.com/n.mp4"}}"#, to: site + "/" + file)
                added.append(file)
            case 3:
                // Remove a share added earlier (or toggle the site name when none is left).
                if let file = added.popLast() {
                    try FileManager.default.removeItem(atPath: site + "/" + file)
                } else {
                    let config = site + "/sharegen.json"
                    let text = try String(contentsOfFile: config, encoding: .utf8)
                    try write(text.replacingOccurrences(of: "\"siteName\": \"", with: "\"siteName\": \"X"), to: config)
                }
            case 4:
                // A template override changes every page.
                try write(#"{"notFoundTitle": "Missing \#(step)"}"#, to: site + "/templates/locales/en.json")
            default:
                // The same bytes written again: a new inode, nothing to render.
                let file = site + "/content/" + shareFiles.randomElement(using: &random)!
                try write(try String(contentsOfFile: file, encoding: .utf8), to: file)
            }
            let incremental = try build(site, into: incrementalOutput, incremental: true)
            reused += incremental.reusedShares
            let cleanOutput = work + "/clean-\(step)"
            _ = try build(site, into: cleanOutput, incremental: false)
            let same = try tree(incrementalOutput) == tree(cleanOutput)
            #expect(same, "step \(step) (seed \(seed)): incremental output differs from a clean build")
        }
        #expect(reused > 0, "some steps reused unchanged shares")
    }

    @Test("the stat-only check of an unchanged site sees every kind of change to folders and files")
    func statOnlyCheck() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/incremental"
        _ = try build(site, into: output, incremental: true, later: true)
        let unchanged = try build(site, into: output, incremental: true, later: true)
        #expect(unchanged.built == nil && unchanged.timings.map(\.stage) == ["stat check"], "an unchanged site is recognized by stat alone")
        let shares = try FileManager.default.contentsOfDirectory(atPath: site + "/content/demo/shares").sorted()
        // STAGING: demo already has its one public PROD share.
        let share = #"{"channel": "STAGING", "slug": "k4m2n7p3q5r6s2t3", "publicTitle": "Added", "video": {"id": "added", "mp4Url": "https://cdn.example.com/a.mp4"}}"#
        let changes: [(String, () throws -> Void)] = [
            ("a share added to an existing project", { try self.write(share, to: site + "/content/demo/shares/added.json") }),
            ("a share renamed", { try FileManager.default.moveItem(atPath: site + "/content/demo/shares/added.json", toPath: site + "/content/demo/shares/renamed.json") }),
            ("a share removed", { try FileManager.default.removeItem(atPath: site + "/content/demo/shares/renamed.json") }),
            ("a share's title changed in place, same size, its modification time restored", {
                let path = site + "/content/demo/shares/" + shares[0]
                let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate]
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                let key = Array("publicTitle".utf8)
                let at = try #require((0..<(bytes.count - key.count)).first { bytes[$0..<($0 + key.count)].elementsEqual(key) })
                let letter = try #require((at + key.count..<bytes.count).first { (65...90).contains(bytes[$0]) || (97...122).contains(bytes[$0]) })
                let handle = try #require(FileHandle(forUpdatingAtPath: path))
                try handle.seek(toOffset: UInt64(letter))
                handle.write(Data([bytes[letter] == UInt8(ascii: "Q") ? UInt8(ascii: "R") : UInt8(ascii: "Q")]))
                try handle.close()
                try FileManager.default.setAttributes([.modificationDate: modified as Any], ofItemAtPath: path)
            }),
            ("a share saved through a new name and a rename, as editors do", {
                let path = site + "/content/demo/shares/" + shares[0]
                let text = try String(contentsOfFile: path, encoding: .utf8)
                try self.write(text.replacingOccurrences(of: "\"publicTitle\": \"", with: "\"publicTitle\": \"Saved "), to: path)
            }),
            ("a new project", {
                let prod = share.replacingOccurrences(of: "k4m2n7p3q5r6s2t3", with: "w2x3y4z5a6b7c2d3").replacingOccurrences(of: "STAGING", with: "PROD")
                try self.write(prod, to: site + "/content/zeta/shares/s.json")
            }),
            ("sharegen.json edited", {
                let config = try String(contentsOfFile: site + "/sharegen.json", encoding: .utf8)
                try self.write(config.replacingOccurrences(of: "\"siteName\": \"", with: "\"siteName\": \"Edited "), to: site + "/sharegen.json")
            }),
            ("a template added", { try self.write("<!DOCTYPE html><title>{{heading}}</title>\n", to: site + "/templates/stub.mustache") }),
        ]
        // Changes to files alone leave every folder's listing as it was: found by stat, no walk.
        let filesOnly: Set<String> = [
            "a share's title changed in place, same size, its modification time restored", "sharegen.json edited",
            "a share saved through a new name and a rename, as editors do",
        ]
        for (name, change) in changes {
            try change()
            let incremental = try build(site, into: output, incremental: true, later: true)
            #expect(incremental.timings.map(\.stage) != ["stat check"], "\(name): not seen by the stat-only check")
            #expect(incremental.timings.first?.stage == (filesOnly.contains(name) ? "stat check" : "fingerprint"), "\(name): \(incremental.timings.map(\.stage))")
            let again = try build(site, into: output, incremental: true, later: true)
            #expect(again.timings.map(\.stage) == ["stat check"], "\(name): the build after it is a stat-only no-op")
            let expected = work + "/expected"
            try? FileManager.default.removeItem(atPath: expected)
            _ = try build(site, into: expected, incremental: false)
            #expect(try tree(output) == tree(expected), "\(name): incremental output differs from a clean build")
        }
    }

    @Test("stamps of files changed just before a build are not trusted by the next one")
    func racyStamps() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/incremental"
        // The fixture was copied a moment ago: inside the racy window. A file changed again
        // within the same tick of the file-system clock would keep its stamp, so the next
        // build reads every racy file again and lists every racy folder again.
        let first = try build(site, into: output, incremental: true)
        let next = try build(site, into: output, incremental: true)
        #expect(next.built != nil && next.timings.first?.stage == "stat check", "not recognized as unchanged by stamps: \(next.timings)")
        #expect(next.report.written == 0 && next.reusedShares == 5 && first.reusedShares == 0, "and nothing changed: the fixture's 5 PROD shares are reused")
        #expect(next.recalledShareFiles == next.shareFiles, "the files read again gave the digests of their kept outcomes")
        // Stamps taken outside the window vouch: the build after is a stat-only no-op.
        _ = try build(site, into: output, incremental: true, later: true)
        #expect(try build(site, into: output, incremental: true, later: true).timings.map(\.stage) == ["stat check"])
        // A file changed just before a build is recorded as racy, and read by the next one
        // even though its stamp has not changed since.
        let share = site + "/content/embed/shares/player.json"
        let text = try String(contentsOfFile: share, encoding: .utf8)
        // In place, so that no folder changes.
        try text.replacingOccurrences(of: "\"publicTitle\": \"", with: "\"publicTitle\": \"Racy ").write(toFile: share, atomically: false, encoding: .utf8)
        let edited = try build(site, into: output, incremental: true)
        #expect(edited.timings.first?.stage == "stat check" && edited.report.written > 0, "found by stat: \(edited.timings)")
        let again = try build(site, into: output, incremental: true, later: true)
        #expect(again.built != nil && again.report.written == 0 && again.recalledShareFiles == again.shareFiles,
                "the racy file is read again, not taken on its stamp: \(again.timings)")
        #expect(try build(site, into: output, incremental: true, later: true).timings.map(\.stage) == ["stat check"])
    }

    // Stray entries are warnings, and the paths the walk reported on are watched one by
    // one: what a stray symlink points to cannot hide behind "up to date".
    @Test("what a stray symlink in content/ or a project folder points to is seen when it appears")
    func straySymlinks() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let elsewhere = work + "/elsewhere"
        try FileManager.default.createSymbolicLink(atPath: site + "/content/linked", withDestinationPath: elsewhere + "/linked")
        try FileManager.default.createSymbolicLink(atPath: site + "/content/embed/project.json", withDestinationPath: elsewhere + "/project.json")
        let output = work + "/incremental"
        _ = try build(site, into: output, incremental: true, later: true)
        #expect(try build(site, into: output, incremental: true, later: true).diagnostics.map(\.rule) == ["site.stray-file", "site.stray-file"])
        let share = #"{"channel": "PROD", "slug": "m3n4p5q6r7s2t3u4", "publicTitle": "Linked", "video": {"id": "linked", "mp4Url": "https://cdn.example.com/l.mp4"}}"#
        try write(share, to: elsewhere + "/linked/shares/s.json")
        let linked = try build(site, into: output, incremental: true, later: true)
        #expect(linked.built?.pages == 5, "the share behind the symlinked project is built")
        try write(#"{"name": "Embed, named"}"#, to: elsewhere + "/project.json")
        let named = try build(site, into: output, incremental: true, later: true)
        #expect(named.timings.map(\.stage) != ["stat check"], "a project.json appearing behind a dangling symlink is seen")
    }

    @Test("warnings are reported by every build, never hidden behind 'up to date'")
    func warningsRepeat() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let guessable = #"{"channel": "PROD", "slug": "welcome-video", "publicTitle": "W", "video": {"id": "w", "mp4Url": "https://cdn.example.com/w.mp4"}, "audit": [{"action": "created", "at": "2026-01-15T09:00:00Z", "by": "a@example.com"}]}"#
        try write(guessable, to: site + "/content/welcome/shares/s.json")
        let output = work + "/incremental"
        let first = try build(site, into: output, incremental: true, later: true)
        #expect(first.diagnostics.map(\.rule) == ["slug.guessable"])
        let second = try build(site, into: output, incremental: true, later: true)
        #expect(second.diagnostics.map(\.rule) == ["slug.guessable"], "so --strict fails again")
        #expect(second.built == nil && second.timings.map(\.stage) == ["stat check"], "found up to date by stat alone, its warnings kept from the build before")
        // Without the kept warnings a build cannot stop early: it validates again. They are
        // the store's part after the memo, so the last mention of the rule is theirs.
        try damage(work + "/.sharegen-cache/incremental-PROD", atLast: "slug.guessable")
        let third = try build(site, into: output, incremental: true, later: true)
        #expect(third.diagnostics.map(\.rule) == ["slug.guessable"] && third.built != nil)
    }

    @Test("a root folder that did not exist (assets/) is seen when it appears, though no watched folder changed")
    func absentRootFolder() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        #expect(!FileManager.default.fileExists(atPath: site + "/assets"), "the fixture has no assets/")
        let output = work + "/incremental"
        _ = try build(site, into: output, incremental: true, later: true)
        #expect(try build(site, into: output, incremental: true, later: true).timings.map(\.stage) == ["stat check"])
        try write("a design note, not a logo\n", to: site + "/assets/notes.txt")
        let incremental = try buildExpectingClean(site, into: output, work: work, "assets/ appeared", later: true)
        let clean = try build(site, into: work + "/clean", incremental: false)
        #expect(clean.diagnostics.map(\.rule).contains("site.stray-file"), "a clean build warns: \(clean.diagnostics.map(\.rule))")
        #expect(incremental.diagnostics.map(\.rule) == clean.diagnostics.map(\.rule), "and so does the incremental one, which --strict fails on")
        #expect(incremental.timings.first?.stage == "fingerprint", "the site is walked again: \(incremental.timings.map(\.stage))")
    }

    @Test("what a build keeps is one store file per output and channel, beside the standby; the files of older versions go")
    func oneStore() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let cache = work + "/.sharegen-cache"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        for suffix in [".watch", ".stamps", ".warnings", ".outcomes"] { try write("old", to: cache + "/dist-PROD" + suffix) }
        _ = try build(site, into: work + "/dist", incremental: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache) == ["dist-PROD"])
        try editTitle(of: site + "/content/embed/shares/player.json", 1)
        _ = try build(site, into: work + "/dist", incremental: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).sorted() == ["dist-PROD", "dist.standby"])
    }

    @Test("a hand-edited output is noticed: the cache is ignored and the output rebuilt")
    func replacedOutputIsRebuilt() throws {
        let work = NSTemporaryDirectory() + "sharegen-incremental-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/dist"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        _ = try build(Self.fixture, into: output, incremental: true)
        let clean = try tree(output)
        // Replacing manifest.json (a new inode) marks the output as changed by hand.
        try write("{}", to: output + "/manifest.json")
        let rebuilt = try build(Self.fixture, into: output, incremental: true)
        #expect(rebuilt.built != nil)
        #expect(try tree(output) == clean)
    }

    @Test("a one-share edit makes the new output from the kept standby; a standby changed or removed by hand is not used")
    func standbyOutput() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/dist", standby = work + "/.sharegen-cache/dist.standby"
        let share = site + "/content/embed/shares/player.json"  // a public PROD share
        var step = 0
        /// Edits the share's title, builds, and compares with a clean build of the same input.
        func editAndBuild() throws -> SiteBuild.Outcome {
            step += 1
            try editTitle(of: share, step)
            return try buildExpectingClean(site, into: output, work: work, "step \(step)")
        }
        _ = try build(site, into: output, incremental: true)
        #expect(!FileManager.default.fileExists(atPath: standby), "nothing replaced yet")
        _ = try editAndBuild()
        let first = try tree(standby)
        #expect(!first.isEmpty, "the replaced tree is kept")
        let before = try tree(output)
        let patched = try editAndBuild()
        #expect(patched.report.written <= 4, "only the share's page, its embed page, its oEmbed document and the manifest: \(patched.report)")
        #expect(patched.recalledShareFiles == patched.shareFiles - 1, "only the edited file is parsed and checked again")
        #expect(try tree(standby) == before, "the standby is the output before")

        // The standby's manifest replaced by hand marks it as not ours to patch.
        try write("{}", to: standby + "/manifest.json")
        _ = try editAndBuild()
        try? FileManager.default.removeItem(atPath: standby)
        _ = try editAndBuild()
        _ = try editAndBuild()
        #expect(FileManager.default.fileExists(atPath: standby))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: work).filter { $0.contains(".staging-") || $0.contains(".previous-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("an output, a cache or a standby changed by hand, or left by a killed build, is never trusted")
    func untrustedState() throws {
        let (work, site) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/dist", cache = work + "/.sharegen-cache/dist-PROD"
        let share = site + "/content/embed/shares/player.json"  // a public PROD share
        var step = 0
        /// Edits the share's title (or a template), builds, and compares with a clean build.
        func editAndBuild(_ what: String, template: Bool = false) throws {
            step += 1
            if template {
                try write("<!DOCTYPE html><title>{{heading}} \(step)</title>\n", to: site + "/templates/stub.mustache")
            } else {
                try editTitle(of: share, step)
            }
            try buildExpectingClean(site, into: output, work: work, what)
        }
        _ = try build(site, into: output, incremental: true)
        try editAndBuild("first edit")
        try editAndBuild("a template, so the manifest stays the same file", template: true)

        // A build killed after its swap but before its cache: the cache of the build before
        // describes the wrong trees (the manifest may be the same file in all of them).
        let stale = try Data(contentsOf: URL(fileURLWithPath: cache))
        try editAndBuild("a template again", template: true)
        try stale.write(to: URL(fileURLWithPath: cache))
        try editAndBuild("after a cache older than the output", template: true)

        // A damaged store: a byte of the output ledger (its last part, the last to name a
        // page) changed, then a truncated file.
        try damage(cache, atLast: "index.html")
        try editAndBuild("after a damaged output ledger")
        let whole = try Data(contentsOf: URL(fileURLWithPath: cache))
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: cache))
        try editAndBuild("after a truncated cache")

        // Hand changes to the output: a file added, a page saved through a rename.
        let page = try #require(try FileManager.default.subpathsOfDirectory(atPath: output + "/site").first { $0.hasSuffix("/index.html") })
        try write("extra", to: output + "/site/extra.html")
        try write("hand edit", to: output + "/site/" + page)
        try editAndBuild("after hand changes to the output")
        try editAndBuild("two builds after hand changes to the output")

        // A page folder replaced by a symlink out of the output: nothing is written there.
        let victim = work + "/victim"
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        try write("keep me", to: victim + "/index.html")
        let folder = output + "/site/" + String(page.dropLast("/index.html".count))
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: victim)
        try editAndBuild("after a page folder became a symlink")
        try editAndBuild("two builds after a page folder became a symlink")
        #expect(try String(contentsOfFile: victim + "/index.html", encoding: .utf8) == "keep me")

        // The standby itself replaced by a symlink: not patched through, not emptied.
        let standby = work + "/.sharegen-cache/dist.standby"
        let elsewhere = work + "/elsewhere"
        // Moved, so its manifest keeps the stamp the cache recorded.
        try FileManager.default.moveItem(atPath: standby, toPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: standby, withDestinationPath: elsewhere)
        let before = try tree(elsewhere)
        try editAndBuild("after the standby became a symlink")
        #expect(try tree(elsewhere) == before, "what the symlink pointed to is untouched")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: output).filter { $0.hasSuffix(".sharegen-new") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A site of one share in a new folder, and how to build it and compare with a clean build.
    func oneShareSite() throws -> (work: String, site: String, buildAndCompare: (String) throws -> Void) {
        let work = NSTemporaryDirectory() + "sharegen-incremental-\(UUID().uuidString)"
        let site = work + "/site", output = work + "/dist"
        try write(#"{"channel": "PROD", "slug": "k4m2n7p3q5r6s2t3", "publicTitle": "Only", "video": {"id": "v", "mp4Url": "https://cdn.example.com/v.mp4"}}"#,
                  to: site + "/content/p/shares/s.json")
        return (work, site, { what in try self.buildExpectingClean(site, into: output, work: work, what, later: true) })
    }

    @Test("sharegen.json appearing or going away is seen by the next build (it lies in no watched folder)")
    func configAddedAndRemoved() throws {
        let (work, site, buildAndCompare) = try oneShareSite()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try buildAndCompare("without sharegen.json")
        try write(#"{"siteName": "Named"}"#, to: site + "/sharegen.json")
        try buildAndCompare("sharegen.json added")
        #expect(try String(contentsOfFile: work + "/dist/manifest.json", encoding: .utf8).contains("Named"))
        try FileManager.default.removeItem(atPath: site + "/sharegen.json")
        try buildAndCompare("sharegen.json removed")
    }

    @Test("a brand edit (project.json, a logo's bytes, the site's assets/ appearing) rebuilds every page it shows on")
    func brandEdits() throws {
        let (work, site, buildAndCompare) = try oneShareSite()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/dist"
        let logo = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#
        try buildAndCompare("no brand")
        try write(logo, to: site + "/content/p/assets/logo.svg")
        try write(#"{"name": "Acme", "brand": {"logo": "logo.svg"}}"#, to: site + "/content/p/project.json")
        try buildAndCompare("project.json and a logo added")
        try write(logo.replacingOccurrences(of: "0 0 1 1", with: "0 0 2 2"), to: site + "/content/p/assets/logo.svg")
        try buildAndCompare("the logo's bytes changed")
        #expect(try tree(output).keys.contains { $0.hasPrefix("site/assets/logo.") }, "the logo is published")
        try write(#"{"brand": {"logo": "site.svg", "footer": "Site"}}"#, to: site + "/sharegen.json")
        try write(#"{"name": "Acme"}"#, to: site + "/content/p/project.json")
        try write(logo, to: site + "/assets/site.svg")
        try buildAndCompare("the site's brand and assets/ added")
        try write(logo + " ", to: site + "/assets/site.svg")
        try buildAndCompare("the site's logo changed")
    }
}

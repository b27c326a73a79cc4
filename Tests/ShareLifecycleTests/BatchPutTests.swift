import Foundation
import ShareLoader
import ShareModel
import Testing
@testable import ShareLifecycle

/// `put --batch`: JSON Lines and CSV records applied together or not at all (SPEC §3).
@Suite("put --batch")
struct BatchPutTests {
    static func records(_ text: String, _ format: BatchFormat, file: String = "campaign") throws -> [BatchRecord] {
        let (records, problems) = BatchReader.read(Array(text.utf8), format: format, file: file)
        #expect(problems.isEmpty, "\(problems)")
        return records
    }

    /// The diagnostics of a refused batch, which must have written nothing.
    static func refusal(_ site: TestSite, _ records: [BatchRecord], file: String = "campaign") throws -> [Diagnostic] {
        let before = try site.snapshot()
        var found: [Diagnostic] = []
        do {
            _ = try site.lifecycle().putBatch(records, file: file)
            Issue.record("the batch was applied")
        } catch .invalid(_, let diagnostics, _) {
            found = diagnostics
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(try site.snapshot() == before, "a refused batch wrote something")
        return found
    }

    @Test("JSON Lines: new shares, a new project and an update in one run; the same batch again writes nothing")
    func jsonLines() throws {
        let site = try TestSite()
        let text = """
            {"project": "acme", "channel": "DEV", "publicTitle": "Hola Ana", "personalizationData": {"firstName": "Ana"}, "video": {"id": "v-ana", "mp4Url": "https://media.example.com/ana.mp4"}}

            {"project": "bank-new", "channel": "PROD", "publicTitle": "Hi Bo", "video": {"id": "v-bo", "hlsUrl": "https://media.example.com/bo/index.m3u8"}}
            {"project": "acme", "channel": "PROD", "visibility": "public", "publicSubtitle": "Updated by the campaign"}
            """
        let results = try site.lifecycle().putBatch(try Self.records(text, .jsonl), file: "campaign")
        #expect(results.map(\.change.kind) == [.created, .created, .updated])
        #expect(results.map(\.record.line) == [1, 3, 4])
        #expect(results[1].change.createdProject == "content/bank-new")
        #expect(results.allSatisfy { $0.change.url == "https://watch.example.com/\($0.change.slug)/" || $0.record.selector.channel == .DEV })
        #expect(results[0].change.url == "http://127.0.0.1:8080/\(results[0].change.slug)/")
        let created = try site.read("content/acme/shares/dev.json")
        #expect(created.contains(#""firstName": "Ana""#) && created.contains(#"{"action": "created", "at": "2026-11-22T17:00:00Z", "by": "tester@example.com"}"#))
        #expect(try site.read(TestSite.launch).contains("publicSubtitle: Updated by the campaign"))
        #expect(site.validate().isValid)

        let before = try site.snapshot()
        let again = try site.lifecycle().putBatch(try Self.records(text, .jsonl), file: "campaign")
        #expect(again.map(\.change.kind) == [.unchanged, .unchanged, .unchanged])
        #expect(again.map(\.change.slug) == results.map(\.change.slug), "a re-run reports the same links")
        #expect(try site.snapshot() == before)
    }

    @Test("CSV: a header of dotted fields; quoted fields keep commas, quotes, line breaks and UTF-8; numbers stay numbers")
    func csv() throws {
        let site = try TestSite()
        let text = "project,channel,publicTitle,video.id,video.mp4Url,video.durationSeconds,personalizationData.firstName\r\n"
            + "zoe,PROD,\"Hello, \"\"Zoë\"\"\nsecond line\",v-zoe,https://media.example.com/zoe.mp4,42.5,Zoë\r\n"
            + "\"r\u{00E9}my\",PROD,Plain,v-remy,https://media.example.com/remy.mp4,,Rémy\r\n"
        let records = try Self.records(text, .csv)
        #expect(records.map(\.line) == [2, 4])
        #expect(records[0].patch["publicTitle"] == .string("Hello, \"Zoë\"\nsecond line"))
        #expect(records[0].patch.value(at: ["video", "durationSeconds"]) == .number("42.5"))
        #expect(records[0].patch.value(at: ["personalizationData", "firstName"]) == .string("Zoë"))
        #expect(records[1].patch.value(at: ["video", "durationSeconds"]) == nil, "an empty cell sets nothing")
        #expect(records[1].selector.project == "rémy")

        let first = try #require(records.first)
        let results = try site.lifecycle().putBatch([first], file: "campaign.csv")
        #expect(results.map(\.change.kind) == [.created])
        #expect(try site.read("content/zoe/shares/prod.json").contains(#""publicTitle": "Hello, \"Zoë\"\nsecond line""#))
    }

    @Test("a bad record is located at its line and field in the batch file, and nothing is written")
    func badRecordLocated() throws {
        let site = try TestSite()
        let text = """
            {"project": "one", "channel": "PROD", "publicTitle": "Fine", "video": {"id": "v1", "mp4Url": "https://media.example.com/1.mp4"}}
            {"project": "two", "channel": "PROD", "publicTitle": "Bad", "video": {"id": "v2", "mp4Url": "ftp://media.example.com/2.mp4"}}
            """
        let diagnostics = try Self.refusal(site, try Self.records(text, .jsonl))
        let bad = try #require(diagnostics.first)
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(bad.file == "campaign" && bad.line == 2 && bad.column == 93, "\(bad.column)")
        #expect(bad.message.contains("(field video.mp4Url, share content/two/shares/prod.json)"), "\(bad.message)")
        #expect(!FileManager.default.fileExists(atPath: site.root + "/content/one"))
    }

    @Test("two records for one share are an error naming both lines")
    func duplicateRecords() throws {
        let site = try TestSite()
        let text = """
            project,channel,publicTitle,video.id,video.mp4Url
            dup,PROD,First,v1,https://media.example.com/1.mp4
            other,PROD,Other,v2,https://media.example.com/2.mp4
            dup,PROD,Second,v3,https://media.example.com/3.mp4
            """
        let diagnostics = try Self.refusal(site, try Self.records(text, .csv))
        #expect(diagnostics.map(\.rule) == ["batch.duplicate"])
        #expect(diagnostics.first?.line == 4 && diagnostics.first?.related.map(\.line) == [2])
    }

    @Test("a new share without a video id, and records the reader rejects, are located")
    func recordProblems() throws {
        let site = try TestSite()
        let missing = try Self.refusal(site, try Self.records(#"{"project": "x", "channel": "PROD", "publicTitle": "No video"}"#, .jsonl))
        #expect(missing.map(\.rule) == ["batch.required"] && missing.first?.message == "a new share needs video.id")
        let (_, problems) = BatchReader.read(Array("{\"project\": \"x\", \"channel\": \"PROD\"}\n{\"project\": \"y\", \"channel\": \"prod\"}\n{\"project\": \"z\",\n".utf8), format: .jsonl, file: "b")
        #expect(problems.map { "\($0.line):\($0.column) \($0.rule)" } == ["2:29 field.enum", "3:17 json.syntax"], "\(problems.map { "\($0.line):\($0.column) \($0.rule)" })")
        #expect(problems.first?.message.contains("did you mean \"PROD\"?") == true)
        let (_, widths) = BatchReader.read(Array("project,channel\nx,PROD,extra\n".utf8), format: .csv, file: "c")
        #expect(widths.map { "\($0.line):\($0.column) \($0.message)" } == ["2:1 the row has 3 fields, the header 2"])
        let (_, unclosed) = BatchReader.read(Array("project,channel\n\"open,PROD\n".utf8), format: .csv, file: "c")
        #expect(unclosed.map { "\($0.line):\($0.column) \($0.message)" } == ["2:1 a quoted field is not closed"])
    }

    @Test("spreadsheet exports: a byte order mark, CRLF, rows of only commas; a number cell that JSON cannot hold stays text")
    func spreadsheetExports() throws {
        let site = try TestSite()
        let text = "\u{FEFF}project,channel,publicTitle,video.id,video.mp4Url,video.width\r\n"
            + "sheet,PROD,From Excel,v-x,https://media.example.com/x.mp4,1280\r\n,,,,,\r\n"
        let records = try Self.records(text, .csv)
        #expect(records.map(\.selector.project) == ["sheet"])
        #expect(records.first?.patch.value(at: ["video", "width"]) == .number("1280"))
        for cell in ["nan", "1e999", "+5", ".5", "0x10"] {
            #expect(!BatchReader.isJSONNumber(cell), "\(cell)")
            let bad = try Self.records("project,channel,publicTitle,video.id,video.mp4Url,video.width\nn,PROD,T,v,https://media.example.com/n.mp4,\(cell)\n", .csv)
            let diagnostics = try Self.refusal(site, bad)
            #expect(diagnostics.map { "\($0.line):\($0.column)" } == ["2:44"], "\(cell): \(diagnostics)")
            #expect(diagnostics.first?.message.contains("field video.width") == true, "\(cell): \(diagnostics)")
        }
        #expect(["0", "-1.5", "2e3", "1280"].allSatisfy(BatchReader.isJSONNumber))
    }

    @Test("a batch and a concurrent put both land: the batch holds the site lock like put")
    func concurrentPut() async throws {
        let site = try TestSite()
        // Both edit the same share file, so without the lock one update could be lost.
        let records = try Self.records(#"{"project": "acme", "channel": "PROD", "visibility": "public", "publicSubtitle": "From the batch"}"#, .jsonl)
        async let batch = Task.detached { try site.lifecycle().putBatch(records, file: "campaign") }.value
        async let single = Task.detached {
            var patch = SharePatch()
            patch.set("ctaLabel", to: .string("From put"))
            patch.set("ctaUrl", to: .string("https://acme.example.com/put"))
            return try site.lifecycle().put(ShareSelector(project: "acme", channel: .PROD, visibility: .public), patch: patch)
        }.value
        let (fromBatch, fromPut) = try await (batch, single)
        #expect(fromBatch.first?.change.kind == .updated && fromPut.kind == .updated)
        let share = try site.read(TestSite.launch)
        #expect(share.contains("From the batch") && share.contains("From put"), "\(share)")
    }
}

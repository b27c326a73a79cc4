import Foundation
import Testing
import TestSupport

/// The lifecycle commands on a site's first share and credential (SPEC §3).
@Suite("lifecycle commands on the command line")
struct LifecycleCommandTests {
    @Test("put of a well-formed new project creates its folder and says so; the share gets a created entry")
    func putCreatesAProject() throws {
        let site = try ScratchSite("put-project")
        defer { site.remove() }
        try site.write("body.json", #"{"publicTitle": "Hello", "video": {"id": "v1", "mp4Url": "https://media.example.com/v1.mp4"}}"#)
        let put = try site.sharegen(["put", "newproj", "PROD", "--file", site.root + "/body.json", "--root", site.root, "--actor", "ana@example.com"])
        #expect(put.status == 0, "\(put.standardError)")
        #expect(put.standardOutput.hasPrefix("created project content/newproj/\ncreated content/newproj/shares/prod.json: https://watch.example.com/"),
                "\(put.standardOutput)")
        let share = try site.read("content/newproj/shares/prod.json")
        #expect(share.contains(#"{"action": "created", "at": ""#) && share.contains(#""by": "ana@example.com"}"#), "\(share)")
        #expect(try site.sharegen(["check", "--root", site.root]).status == 0)
    }

    @Test("a malformed project id is refused with the rule, and nothing is written")
    func malformedProjectRefused() throws {
        let site = try ScratchSite("put-bad-project")
        defer { site.remove() }
        let before = try site.snapshot()
        let put = try site.sharegen(["put", "New_Proj", "PROD", "--title", "Hi", "--video-id", "v1", "--root", site.root, "--actor", "a"])
        #expect(put.status == 2)
        #expect(put.standardError.contains(#"cannot create project "New_Proj""#) && put.standardError.contains("[project.id]"), "\(put.standardError)")
        #expect(try site.snapshot() == before)
    }

    @Test("a new share without a video id names the missing flag, not a line of a file never written")
    func missingVideoIDNamesTheFlag() throws {
        let site = try ScratchSite("put-no-video")
        defer { site.remove() }
        let put = try site.sharegen(["put", "my-project", "STAGING", "--title", "Hi", "--root", site.root, "--actor", "a"])
        #expect(put.status == 2)
        #expect(put.standardError == "error: a new share needs video.id: pass --video-id (or set video.id in --file)\n", "\(put.standardError)")
        #expect(!site.exists("content/my-project/shares/staging.json"))
    }

    @Test("credentials create for a new project creates its folder and says so")
    func credentialForANewProject() throws {
        let site = try ScratchSite("credential-project")
        defer { site.remove() }
        let created = try site.sharegen(["credentials", "create", "--project", "crm", "--json", "--root", site.root])
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardError.contains("created project content/crm/"))
        let response = try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any]
        let id = try #require(response?["id"] as? String)
        #expect(site.exists("content/crm/credentials/\(id).json"))
        let bad = try site.sharegen(["credentials", "create", "--project", "CRM", "--root", site.root])
        #expect(bad.status == 2 && bad.standardError.contains("[project.id]"), "\(bad.standardError)")
    }

    @Test("a blank --actor is an error, never silently replaced", arguments: ["", "  "])
    func blankActor(actor: String) throws {
        let site = try ScratchSite("blank-actor")
        defer { site.remove() }
        let before = try site.snapshot()
        let result = try site.sharegen(["disable", "my-project", "PROD", "--root", site.root, "--actor", actor])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--actor is blank"), "\(result.standardError)")
        #expect(try site.snapshot() == before)
    }

    @Test("put --batch --json prints one result per record in input order; a re-run writes nothing and says so")
    func batchJSON() throws {
        let site = try ScratchSite("batch")
        defer { site.remove() }
        try site.write("campaign.csv", "project,channel,publicTitle,video.id,video.mp4Url\nana,PROD,\"Hi, Ana\",v-ana,https://media.example.com/ana.mp4\nmy-project,PROD,Updated title,,\n")
        let arguments = ["put", "--batch", site.root + "/campaign.csv", "--json", "--root", site.root, "--actor", "mailer@example.com"]
        let first = try site.sharegen(arguments)
        #expect(first.status == 0, "\(first.standardError)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [[String: Any]])
        #expect(results.map { $0["line"] as? Int } == [2, 3])
        #expect(results.map { $0["result"] as? String } == ["created", "updated"])
        #expect(results.map { $0["project"] as? String } == ["ana", "my-project"])
        #expect(results.allSatisfy { ($0["url"] as? String) == "https://watch.example.com/\($0["slug"] as? String ?? "")/" && $0["visibility"] as? String == "public" })
        #expect(first.standardError.contains("1 created, 1 updated, 0 unchanged; 1 new project: content/ana/"), "\(first.standardError)")
        let before = try site.snapshot()
        let again = try site.sharegen(arguments.filter { $0 != "--json" })
        #expect(again.status == 0)
        #expect(again.standardOutput.contains("0 created, 0 updated, 2 unchanged; nothing written"), "\(again.standardOutput)")
        #expect(try site.snapshot() == before)
        let mixed = try site.sharegen(["put", "my-project", "PROD", "--batch", "x.csv", "--root", site.root])
        #expect(mixed.status == 2)
    }

    @Test("a batch killed while it writes leaves only whole files; running it again finishes the campaign", .tags(.slow))
    func killedBatch() throws {
        let site = try ScratchSite("batch-kill")
        defer { site.remove() }
        let count = 1500
        let lines = (0..<count).map { index in
            #"{"project": "kill-\#(index)", "channel": "PROD", "publicTitle": "Hi \#(index)", "video": {"id": "kv\#(index)", "mp4Url": "https://media.example.com/\#(index).mp4"}}"#
        }
        try site.write("campaign.jsonl", lines.joined(separator: "\n") + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try sharegenBinary)
        process.arguments = ["put", "--batch", site.root + "/campaign.jsonl", "--root", site.root, "--actor", "a@example.com"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once it has written some of the campaign's files (bounded wait).
        let content = site.root + "/content"
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline,
              ((try? FileManager.default.contentsOfDirectory(atPath: content))?.count ?? 0) < 20 {
            usleep(2_000)
        }
        let killedMidway = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Whatever was written is whole: the site checks clean.
        let check = try site.sharegen(["check", "--root", site.root])
        #expect(check.status == 0, "\(check.standardOutput)")
        let again = try site.sharegen(["put", "--batch", site.root + "/campaign.jsonl", "--root", site.root, "--actor", "a@example.com"])
        #expect(again.status == 0, "\(again.standardError)")
        let written = try FileManager.default.contentsOfDirectory(atPath: content).filter { $0.hasPrefix("kill-") }.count
        #expect(written == count)
        if killedMidway {
            #expect(!again.standardOutput.hasPrefix("0 created"), "the re-run finished what the kill interrupted: \(again.standardOutput)")
        }
    }
}

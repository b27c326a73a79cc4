import Foundation
import Testing
import TestSupport

/// The command line as CI scripts use it: exit statuses, streams, and what each command
/// says (SPEC §3). Every test runs the real binary.
@Suite("command line")
struct CommandLineTests {
    @Test("bad usage exits 2, as SPEC §3 says (ArgumentParser's own status is 64)", arguments: [
        ["build", "--channel", "prod"], ["check", "--no-such-flag"], ["help", "nosuch"], ["nosuch"], ["check", "--format", "xml"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let site = try ScratchSite("usage")
        defer { site.remove() }
        let result = try site.sharegen(arguments + (arguments.first == "help" || arguments.first == "nosuch" ? [] : ["--root", site.root]))
        #expect(result.status == 2, "\(arguments): \(result.standardError)")
        #expect(!result.standardError.isEmpty)
    }

    @Test("help of an unknown command names it; --version prints the version")
    func helpAndVersion() throws {
        let site = try ScratchSite("help", initialise: false)
        defer { site.remove() }
        let unknown = try site.sharegen(["help", "biuld"])
        #expect(unknown.standardError.contains("unknown command 'biuld'; did you mean 'build'?"), "\(unknown.standardError)")
        #expect(!unknown.standardOutput.contains("SUBCOMMANDS"))
        let known = try site.sharegen(["help", "credentials", "create"])
        #expect(known.status == 0 && known.standardOutput.contains("--project"), "\(known.standardOutput)")
        let version = try site.sharegen(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(version.standardOutput)")
    }

    @Test("init writes a site that passes check and builds, and never overwrites anything")
    func initialise() throws {
        let site = try ScratchSite("init")
        defer { site.remove() }
        let check = try site.sharegen(["check", "--strict", "--root", site.root])
        #expect(check.status == 0, "\(check.standardOutput)")
        let build = try site.sharegen(["build", "--root", site.root])
        #expect(build.status == 0, "\(build.standardError)")
        #expect(build.standardError.contains("built PROD: 1 page, 0 stubs,"), "\(build.standardError)")
        let share = try site.read("content/my-project/shares/prod.json")
        #expect(share.contains(#""action": "created""#) && share.contains("tester@example.com"))

        try site.write("sharegen.json", "{}\n")
        let before = try site.snapshot()
        let again = try site.sharegen(["init", site.root])
        #expect(again.status == 2 && again.standardError.contains("never overwrites"), "\(again.standardError)")
        #expect(try site.snapshot() == before)
    }

    @Test("check fails on a template build would fail on, and on an unknown locale string, located, with a suggestion")
    func checkValidatesTemplates() throws {
        let site = try ScratchSite("templates")
        defer { site.remove() }
        try site.write("templates/page.mustache", "<p>{{title}}</p>\n{{#broken}}\n")
        let check = try site.sharegen(["check", "--root", site.root])
        #expect(check.status == 1)
        #expect(check.standardOutput.contains("templates/page.mustache:2:"), "\(check.standardOutput)")
        #expect(check.standardOutput.contains("[template.syntax]"))
        #expect(try site.sharegen(["build", "--root", site.root]).status == 1)

        try FileManager.default.removeItem(atPath: site.root + "/templates/page.mustache")
        try site.write("templates/locales/fr.json", "{\n  \"aboutVideo\": \"À propos\",\n  \"abuotVideo\": \"À propos\"\n}\n")
        let locale = try site.sharegen(["check", "--root", site.root])
        #expect(locale.status == 1)
        #expect(locale.standardOutput.contains(#"templates/locales/fr.json:3:3: error: unknown locale string "abuotVideo"; did you mean "aboutVideo"? [template.locale]"#),
                "\(locale.standardOutput)")
    }

    @Test("check validates brands: located errors with the contrast ratio found; build fails on the same")
    func checkValidatesBrands() throws {
        let site = try ScratchSite("brand")
        defer { site.remove() }
        try site.write("content/my-project/project.json", """
            {"name": "My first project",
             "brand": {"color": "#cccccc", "logo": "logo.svg"}}

            """)
        let check = try site.sharegen(["check", "--root", site.root])
        #expect(check.status == 1)
        #expect(check.standardOutput.contains(#"content/my-project/project.json:2:21: error: white text on #cccccc has a contrast ratio of 1.60:1; the call to action needs at least 4.5:1 (WCAG 2.x AA), so choose a darker colour [brand.contrast]"#), "\(check.standardOutput)")
        #expect(check.standardOutput.contains(#"content/my-project/project.json:2:40: error: logo "logo.svg" is not in content/my-project/assets/ [brand.logo]"#), "\(check.standardOutput)")
        #expect(try site.sharegen(["build", "--root", site.root]).status == 1)

        try site.write("content/my-project/assets/logo.svg", #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#)
        try site.write("content/my-project/project.json", ##"{"name": "My first project", "brand": {"color": "#0a4cc2", "logo": "logo.svg"}}"##)
        let fixed = try site.sharegen(["check", "--root", site.root])
        #expect(fixed.status == 0, "\(fixed.standardOutput)")
    }

    @Test("github annotations name paths from the Git work tree's root when the site is in a subfolder")
    func annotationsFromTheRepositoryRoot() throws {
        let site = try ScratchSite("annotations")
        defer { site.remove() }
        let git = try #require(Tools.which("git"))
        #expect(try runProgram(git, ["init", "-q", site.directory]).status == 0)
        try site.write("content/my-project/shares/prod.json", try site.read("content/my-project/shares/prod.json").replacingOccurrences(of: #""Enabled""#, with: #""Enable""#))
        let result = try site.sharegen(["check", "--root", "site", "--format", "github"])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("::error file=site/content/my-project/shares/prod.json,line=4,"), "\(result.standardOutput)")
        // Outside a work tree the paths stay relative to the site.
        try FileManager.default.removeItem(atPath: site.directory + "/.git")
        let outside = try site.sharegen(["check", "--root", "site", "--format", "github"])
        #expect(outside.standardOutput.contains("::error file=content/my-project/shares/prod.json,"), "\(outside.standardOutput)")
    }

    @Test("with many diagnostics, `check 2>&1 | cat` keeps each whole and the summary last")
    func outputIsWholeAndInOrder() throws {
        let site = try ScratchSite("order")
        defer { site.remove() }
        for index in 0..<80 {
            try site.write("content/p\(index)/shares/prod.json", #"{"channel": "PROD", "slug": "broken-\#(index)-slug", "publicTitle": "Ünïcödé \#(index)", "títuloPúblico": "é", "video": {"id": "v\#(index)", "mp4Url": "https://media.example.com/\#(index).mp4"}, "audit": [{"action": "created", "at": "2026-01-15T09:00:00Z", "by": "a@example.com"}]}"#)
        }
        let shell = try #require(Tools.which("sh"))
        let result = try runProgram(shell, ["-c", "\"$0\" check --root site 2>&1 | cat", try sharegenBinary], in: site.directory)
        let output = result.standardOutput
        #expect(output.utf8.count > 8192, "the test needs more than two pipe buffers of output")
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.last == "80 errors, 0 warnings in 81 share files (1 valid)", "\(lines.suffix(2))")
        #expect(lines.count { $0.contains(" share files (") } == 1)
        // Each diagnostic is followed by its excerpt and caret: nothing lands inside one.
        let headers = lines.indices.filter { lines[$0].contains(": error: ") }
        #expect(headers.count == 80)
        for index in headers {
            #expect(lines[index].hasPrefix("content/p") && lines[index].hasSuffix("[field.unknown]"), "\(lines[index])")
            #expect(lines[index + 1].hasPrefix("    {\"channel\"") && lines[index + 2].hasSuffix("^"), "\(lines[index...(index + 2)])")
        }
    }

    @Test("a site without sharegen.json is warned that it uses the placeholder base URLs")
    func defaultBaseURLIsAWarning() throws {
        let site = try ScratchSite("defaults")
        defer { site.remove() }
        try FileManager.default.removeItem(atPath: site.root + "/sharegen.json")
        let check = try site.sharegen(["check", "--root", site.root])
        #expect(check.status == 0)
        #expect(check.standardOutput.contains("warning: there is no sharegen.json, so pages use the default base URLs (DEV http://127.0.0.1:8080, STAGING https://watch.staging.example.com, PROD https://watch.example.com)"),
                "\(check.standardOutput)")
        #expect(check.standardOutput.contains("[config.default-base-url]"))
        #expect(try site.sharegen(["check", "--strict", "--root", site.root]).status == 1)
    }

    @Test("build --strict fails on warnings again when the next build finds the site up to date")
    func strictUpToDateBuild() throws {
        let site = try ScratchSite("strict")
        defer { site.remove() }
        try site.write("content/notes.txt", "not a project\n")
        // Outside the racy window (2 s), so the second build may stop at its stat check.
        Thread.sleep(forTimeInterval: 2.2)
        let first = try site.sharegen(["build", "--strict", "--root", site.root, "--out", site.directory + "/dist"])
        #expect(first.status == 1 && first.standardError.contains("[site.stray-file]"), "\(first.standardError)")
        let again = try site.sharegen(["build", "--strict", "--root", site.root, "--out", site.directory + "/dist"])
        #expect(again.standardError.contains("is up to date"), "\(again.standardError)")
        #expect(again.status == 1 && again.standardError.contains("[site.stray-file]"), "\(again.standardError)")
    }

    @Test("a mediaBaseURL with a query string is refused")
    func mediaBaseURLWithQuery() throws {
        let site = try ScratchSite("media")
        defer { site.remove() }
        try site.write("sharegen.json", #"{"channels": {"PROD": {"baseURL": "https://watch.example.com"}}, "signing": {"mediaBaseURL": "https://media.example.com/v?token=1"}}"#)
        let check = try site.sharegen(["check", "--root", site.root])
        #expect(check.status == 2, "configuration errors exit 2")
        #expect(check.standardOutput.contains("mediaBaseURL must not have a query or fragment"), "\(check.standardOutput)")
    }

    @Test("the summary counts share files and valid shares, and says 1 page, not 1 pages")
    func countsReadRight() throws {
        let site = try ScratchSite("counts")
        defer { site.remove() }
        try site.write("content/other/shares/prod.json", #"{"channel": "PROD", "slug": "other-slug-one", "status": "Enable", "publicTitle": "T", "video": {"id": "x", "mp4Url": "https://media.example.com/x.mp4"}}"#)
        let check = try site.sharegen(["check", "--root", site.root])
        #expect(check.standardOutput.hasSuffix("1 error, 0 warnings in 2 share files (1 valid)\n"), "\(check.standardOutput)")
        // A project named "shares" has no share files for its name; a cross-file conflict makes both shares invalid.
        try site.write("content/shares/project.json", #"{"name": "Shares"}"#)
        try site.write("content/other/shares/prod.json", #"{"channel": "PROD", "slug": "other-slug-one", "publicTitle": "T", "video": {"id": "first-video", "mp4Url": "https://media.example.com/x.mp4"}}"#)
        let conflict = try site.sharegen(["check", "--root", site.root])
        #expect(conflict.standardOutput.hasSuffix("2 errors, 2 warnings in 2 share files (0 valid)\n"), "\(conflict.standardOutput)")
        let dev = try site.sharegen(["check", "--channel", "DEV", "--root", site.root])
        #expect(dev.standardOutput.hasSuffix("0 errors, 0 warnings in 0 share files (0 valid)\n"), "\(dev.standardOutput)")
    }

    @Test("help reads command names up to the first option; init takes --root like every command")
    func helpAndInitOptions() throws {
        let site = try ScratchSite("help-init", initialise: false)
        defer { site.remove() }
        let help = try site.sharegen(["help", "build", "--root", "x"])
        #expect(!help.standardError.contains("unknown command 'x'"), "an option's value is no command name: \(help.standardError)")
        let made = try site.sharegen(["init", "--root", site.root, "--actor", "a@example.com"])
        #expect(made.status == 0, "\(made.standardError)")
        #expect(site.exists("sharegen.json") && site.exists("content/my-project/shares/prod.json"))
    }

    @Test("a build on a terminal shows its stages on one updating line; never in CI or with NO_COLOR")
    func progressOnlyOnATerminal() throws {
        let site = try ScratchSite("progress")
        defer { site.remove() }
        let script = try #require(Tools.which("script"), "util-linux's script runs the build on a pseudo-terminal")
        let command = "\(try sharegenBinary) build --force --root site"
        let terminal = try runProgram(script, ["-qec", command, "/dev/null"], in: site.directory, environment: ["TERM": "xterm", "CI": nil, "NO_COLOR": nil])
        #expect(terminal.status == 0, "\(terminal.standardOutput)")
        #expect(terminal.standardOutput.contains("\r\u{1B}[Kloading and validating"), "\(terminal.standardOutput.debugDescription)")
        #expect(terminal.standardOutput.contains("\r\u{1B}[Krendering and writing 1 of 1 PROD shares"))
        for quiet in [["CI": "true"], ["NO_COLOR": "1"]] {
            let result = try runProgram(script, ["-qec", command, "/dev/null"], in: site.directory, environment: quiet.merging(["TERM": "xterm"]) { a, _ in a })
            #expect(result.status == 0)
            #expect(!result.standardOutput.contains("\u{1B}[K"), "\(quiet): \(result.standardOutput.debugDescription)")
        }
        let piped = try site.sharegen(["build", "--force", "--root", site.root])
        #expect(!piped.standardError.contains("\u{1B}"))
    }
}

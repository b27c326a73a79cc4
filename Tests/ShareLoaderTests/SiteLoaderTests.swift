import ShareModel
import Testing
import TestSupport
@testable import ShareLoader

@Suite("Site loader")
struct SiteLoaderTests {
    /// Configuration, two projects, every kind of input file and hidden entries.
    static let layoutFiles = [
        "site/sharegen.json": "{}",
        "site/content/p/project.json": #"{"name": "P"}"#,
        "site/content/p/shares/b.md": "---\na: 1\n---\n",
        "site/content/p/shares/a.json": "{}",
        "site/content/p/shares/.DS_Store": "x",
        "site/content/p/credentials/c.json": "{}",
        "site/content/q/shares/x.json": "{}",
        "site/content/.git/config": "x",
    ]

    @Test("finds configuration, projects, shares and credentials; skips hidden files")
    func layout() throws {
        let fileSystem = InMemoryFileSystem(files: Self.layoutFiles)
        let loaded = SiteLoader(fileSystem: fileSystem, root: "site").load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.config?.path == "sharegen.json")
        #expect(loaded.projects.map(\.id) == ["p", "q"])
        let p = try #require(loaded.projects.first)
        #expect(p.path == "content/p")
        #expect(p.projectFile?.path == "content/p/project.json")
        #expect(p.shares.map(\.path) == ["content/p/shares/a.json", "content/p/shares/b.md"])
        #expect(p.shares.map(\.format) == [.json, .markdown])
        #expect(p.credentials.map(\.path) == ["content/p/credentials/c.json"])
        #expect(loaded.projects[1].shares.map(\.path) == ["content/q/shares/x.json"])
    }

    @Test("a discovery rebuilt from an earlier walk's folders and inputs loads what the walk loads")
    func rediscovery() throws {
        var files = Self.layoutFiles
        files["site/content/empty/shares/.keep"] = ""
        let loader = SiteLoader(fileSystem: InMemoryFileSystem(files: files), root: "site")
        let walked = loader.discover()
        let folders = walked.folders
        #expect(folders.contains("content/empty"))
        let rebuilt = try #require(loader.rediscover(folders: folders, inputs: walked.inputPaths))
        func summary(_ site: LoadedSite) -> [String] {
            [site.config?.path ?? "-"] + site.projects.map { project in
                "\(project.id) \(project.path) \(project.projectFile?.path ?? "-") \(project.shares.map { "\($0.path) \($0.format) \($0.digest)" }) \(project.credentials.map(\.path))"
            }
        }
        #expect(summary(loader.load(rebuilt)) == summary(loader.load(walked)))
        #expect(rebuilt.inputPaths == walked.inputPaths)
        // Paths no walk lists are refused, not guessed at.
        #expect(loader.rediscover(folders: folders, inputs: ["content/p/other/z.json"]) == nil)
        #expect(loader.rediscover(folders: folders, inputs: ["content/unlisted/shares/z.json"]) == nil)
        #expect(loader.rediscover(folders: ["elsewhere"], inputs: []) == nil)
    }

    @Test("a site without content/ is an error")
    func contentMissing() {
        let loaded = SiteLoader(fileSystem: InMemoryFileSystem(files: ["sharegen.json": "{}"]), root: "").load()
        #expect(loaded.diagnostics.map(\.located) == [Located(rule: "site.content-missing", file: "content", line: 1, column: 1)])
    }

    @Test("stray files are warnings", arguments: [
        "content/readme.txt", "content/p/notes.txt", "content/p/shares/a.yaml", "content/p/credentials/c.txt",
    ])
    func strayFile(path: String) {
        let fileSystem = InMemoryFileSystem(files: [path: "x", "content/p/shares/ok.json": "{}"])
        let loaded = SiteLoader(fileSystem: fileSystem, root: "").load()
        #expect(loaded.diagnostics.map(\.located) == [Located(rule: "site.stray-file", file: path, line: 1, column: 1, severity: .warning)])
    }

    @Test("an unreadable file is located at the file")
    func unreadableFile() {
        let fileSystem = InMemoryFileSystem(files: ["content/p/shares/ok.json": "{}"])
        fileSystem.symlink("content/p/shares/gone.json", to: "nowhere.json")
        let loaded = SiteLoader(fileSystem: fileSystem, root: "").load()
        #expect(loaded.diagnostics.map(\.located) == [Located(rule: "source.unreadable", file: "content/p/shares/gone.json", line: 1, column: 1)])
        #expect(loaded.diagnostics.first?.message.contains("No such file") == true)
    }

    @Test("symlinked share files are read through the link")
    func symlinkedFile() throws {
        let fileSystem = InMemoryFileSystem(files: ["shared/a.json": #"{"x": 1}"#])
        fileSystem.symlink("content/p/shares/a.json", to: "shared/a.json")
        let loaded = SiteLoader(fileSystem: fileSystem, root: "").load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.projects.first?.shares.first?.value?["x"]?.number == 1)
    }

    @Test("every file is parsed, so one broken file does not hide another")
    func allFilesReported() {
        let fileSystem = InMemoryFileSystem(files: [
            "content/p/shares/a.json": "{,}", "content/p/shares/b.md": "no front matter", "content/q/credentials/c.json": "[1,]",
        ])
        let rules = SiteLoader(fileSystem: fileSystem, root: "").load().diagnostics.map(\.rule).sorted()
        #expect(rules == ["json.syntax", "json.trailing-comma", "markdown.front-matter-missing"])
    }
}

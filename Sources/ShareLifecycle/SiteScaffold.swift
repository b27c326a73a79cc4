import ShareLoader
import ShareModel

/// `sharegen init`: a small site (configuration, one project, one share) that passes
/// `check` and builds, for a new user to edit instead of copying the example.
public struct SiteScaffold: Sendable {
    public let root: String
    public let project: String
    public let environment: LifecycleEnvironment

    public init(root: String, project: String, environment: LifecycleEnvironment) {
        self.root = root
        self.project = project
        self.environment = environment
    }

    /// What `create` wrote, relative to the root.
    public struct Created: Sendable {
        public var files: [String]
        public var share: ShareChange
    }

    /// Writes the site, refusing (and writing nothing) when `root` already holds a
    /// `sharegen.json` or a `content/` folder.
    public func create() throws(LifecycleError) -> Created {
        try SiteLifecycle.checkNewProjectID(project)
        let fileSystem = LocalFileSystem()
        let taken = [SiteLoader.configFile, SiteLoader.contentDirectory].filter { fileSystem.kind(at: joinPath(root, $0)) != nil }
        guard taken.isEmpty else {
            throw .usage("\(root) already holds \(taken.joined(separator: " and ")); sharegen init never overwrites anything, so choose an empty folder")
        }
        let projectFile = joinPath(SiteLoader.contentDirectory, project, "project.json")
        let files: [(String, String)] = [(SiteLoader.configFile, Self.config), (projectFile, Self.projectJSON)]
        do {
            for (path, text) in files {
                let absolute = joinPath(root, path)
                try fileSystem.createDirectory(String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.startIndex)]))
                try fileSystem.writeFile(absolute, bytes: Array(text.utf8))
            }
        } catch {
            throw .io(error)
        }
        var patch = SharePatch()
        for (field, value) in Self.share(project) { patch.set(field, to: .string(value)) }
        let share = try SiteLifecycle(root: root, environment: environment).put(ShareSelector(project: project, channel: .PROD), patch: patch)
        return Created(files: files.map(\.0) + [share.file], share: share)
    }

    static let config = """
        {
          "channels": {
            "PROD": {"baseURL": "https://watch.example.com"},
            "STAGING": {"baseURL": "https://watch.staging.example.com"},
            "DEV": {"baseURL": "http://127.0.0.1:8080"}
          },
          "defaultLocale": "en-US",
          "siteName": "My video shares"
        }

        """

    static let projectJSON = """
        {"name": "My first project"}

        """

    static func share(_ project: String) -> [(String, String)] { [
        ("publicTitle", "Welcome to your first share"),
        ("publicSubtitle", "Edit content/\(project)/shares/prod.json, then run sharegen check"),
        ("video.id", "first-video"),
        ("video.mp4Url", "https://media.example.com/videos/first-video/video.mp4"),
    ] }
}

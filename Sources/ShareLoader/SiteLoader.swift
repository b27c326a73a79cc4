import ShareModel

/// One parsed input file: its located value and, for Markdown, its body.
public struct SourceDocument: Sendable {
    /// Path relative to the site root.
    public var path: String
    /// The parsed value, or nil when the file could not be read or parsed.
    public var value: SourceValue?
    /// The Markdown body (the description), for Markdown shares.
    public var body: String?
    /// 1-based line where the body starts.
    public var bodyLine: Int
    public var format: ShareFormat
    /// `contentDigest` of the file's bytes (0 when it could not be read): what tells an
    /// edit.
    public var digest: UInt64
    /// The bytes of a file published as it is (a brand's logo in `assets/`), which is not parsed.
    public var bytes: [UInt8]?

    public init(
        path: String, value: SourceValue?, body: String? = nil, bodyLine: Int = 1, format: ShareFormat = .json, digest: UInt64 = 0,
        bytes: [UInt8]? = nil
    ) {
        self.path = path
        self.value = value
        self.body = body
        self.bodyLine = bodyLine
        self.format = format
        self.digest = digest
        self.bytes = bytes
    }
}

/// The files of one `content/<project>/` folder.
public struct LoadedProject: Sendable {
    public var id: String
    /// `content/<id>`, relative to the root.
    public var path: String
    public var projectFile: SourceDocument?
    public var shares: [SourceDocument]
    public var credentials: [SourceDocument]
    /// The files of `assets/` (the brand's logo), unparsed.
    public var assets: [SourceDocument]

    public init(
        id: String, path: String, projectFile: SourceDocument?, shares: [SourceDocument], credentials: [SourceDocument], assets: [SourceDocument] = []
    ) {
        self.id = id
        self.path = path
        self.projectFile = projectFile
        self.shares = shares
        self.credentials = credentials
        self.assets = assets
    }
}

/// Everything read from a site, before validation.
public struct LoadedSite: Sendable {
    /// `sharegen.json`, when present.
    public var config: SourceDocument?
    /// The files of the root's `assets/` (the default brand's logo), unparsed.
    public var assets: [SourceDocument] = []
    public var projects: [LoadedProject]
    /// Problems found while reading and parsing (syntax, encoding, stray files).
    public var diagnostics: [Diagnostic]

    /// A site of no files, to stand in for one handed over.
    public static let empty = LoadedSite(projects: [], diagnostics: [])

    /// The digest of every share file, by path.
    public var shareDigests: [String: UInt64] {
        Dictionary(uniqueKeysWithValues: projects.flatMap(\.shares).map { ($0.path, $0.digest) })
    }
}

/// Reads a site's input files through a `FileSystem` and parses them on all cores.
public struct SiteLoader: Sendable {
    /// Share, credential and configuration files are small; anything larger is a mistake
    /// (a video or an export committed by accident) and is rejected unread.
    public static let maxFileSize = 1 << 20
    public static let configFile = "sharegen.json"
    public static let contentDirectory = "content"
    /// Where brand logos live: at the root for the site's default brand, and in each project folder.
    public static let assetsDirectory = "assets"

    public let fileSystem: any FileSystem
    /// The site root as given; file paths in results are relative to it.
    public let root: String

    public init(fileSystem: any FileSystem, root: String) {
        self.fileSystem = fileSystem
        self.root = root
    }

    fileprivate enum Role: Sendable {
        case config, project, share(ShareFormat), credential
        /// A file of an `assets/` folder; `project` nil for the root's.
        case asset
    }

    fileprivate struct PendingFile: Sendable {
        var path: String
        var role: Role
        var project: Int?
    }

    /// The input files, found by walking the folders without reading any file.
    /// The result of walking the folders, before any file is read; `load(_:)` reads
    /// exactly these files, so a caller can fingerprint them first without a second walk.
    public struct Discovery: Sendable {
        fileprivate var pending: [PendingFile]
        fileprivate var projects: [LoadedProject]
        fileprivate var diagnostics: [Diagnostic]

        /// Paths (relative to the root) of every file `load(_:)` reads, in a stable order.
        public var inputPaths: [String] { pending.map(\.path) }

        /// Paths (relative to the root) of the share files among them.
        public var sharePaths: Set<String> {
            Set(pending.compactMap { if case .share = $0.role { $0.path } else { nil } })
        }

        /// Paths the walk reported on (stray files, dangling symlinks, unreadable folders).
        public var reportedPaths: [String] { diagnostics.map(\.file) }

        /// Every folder listed, in walk order: a file added, removed or renamed in one
        /// changes what the walk finds.
        public fileprivate(set) var folders: [String] = []
    }

    public func discover() -> Discovery {
        var diagnostics: [Diagnostic] = []
        var pending: [PendingFile] = []
        var projects: [LoadedProject] = []
        var folders: [String] = []

        if fileSystem.kind(at: absolute(SiteLoader.configFile)) != nil {
            pending.append(PendingFile(path: SiteLoader.configFile, role: .config))
        }
        if fileSystem.resolvedKind(at: absolute(SiteLoader.assetsDirectory)) == .directory {
            folders.append(SiteLoader.assetsDirectory)
            pending += assetFiles(SiteLoader.assetsDirectory, &diagnostics)
        }
        let content = SiteLoader.contentDirectory
        if fileSystem.resolvedKind(at: absolute(content)) == .directory {
            folders.append(content)
            // Listing thousands of project folders is system-call bound: spread it over the cores.
            let entries = listing(content, &diagnostics).filter { !$0.name.hasPrefix(".") }
            let walked = entries.parallelMap { name, kind -> (String, [PendingFile]?, [Diagnostic], [String]) in
                let projectPath = joinPath(content, name)
                var found: [Diagnostic] = []
                guard kind == .directory else {
                    found.append(.warning("site.stray-file", "ignored: only project folders belong in content/", at: SourceLocation(file: projectPath)))
                    return (projectPath, nil, found, [])
                }
                var listed: [String] = []
                let files = projectFiles(projectPath, &found) { listed.append($0) }
                return (projectPath, files, found, listed)
            }
            for (projectPath, files, found, listed) in walked {
                diagnostics += found
                folders += listed
                guard let files else { continue }
                let index = projects.count
                projects.append(LoadedProject(id: String(projectPath.dropFirst(content.count + 1)), path: projectPath, projectFile: nil, shares: [], credentials: []))
                pending += files.map { PendingFile(path: $0.path, role: $0.role, project: index) }
            }
        } else {
            diagnostics.append(.error("site.content-missing", "no content/ folder: share definitions live in content/<project>/shares/", at: SourceLocation(file: content)))
        }

        var discovery = Discovery(pending: pending, projects: projects, diagnostics: diagnostics)
        discovery.folders = folders
        return discovery
    }

    /// The discovery a walk would make, rebuilt from one an earlier walk made (its
    /// `folders` and `inputPaths`), for a caller that knows no folder changed since. Nil when the paths are
    /// not such a listing. Only for a walk that reported no diagnostic (a stray entry is
    /// not in the listing).
    public func rediscover(folders: [String], inputs: [String]) -> Discovery? {
        // Split on bytes: tens of thousands of paths, and `Character` splitting was most of it.
        let slash = UInt8(ascii: "/")
        func parts(_ path: String) -> [Substring] {
            path.utf8.split(separator: slash, omittingEmptySubsequences: false).map { Substring($0) }
        }
        let content = Substring(SiteLoader.contentDirectory)
        var projects: [LoadedProject] = []
        var projectIndex: [Substring: Int] = [:]
        for folder in folders where folder != SiteLoader.assetsDirectory {
            let parts = parts(folder)
            guard parts.first == content, parts.count <= 3 else { return nil }
            if parts.count == 2 {
                projectIndex[parts[1]] = projects.count
                projects.append(LoadedProject(id: String(parts[1]), path: folder, projectFile: nil, shares: [], credentials: []))
            } else if parts.count == 3 {
                guard projectIndex[parts[1]] != nil, ["shares", "credentials", "assets"].contains(parts[2]) else { return nil }
            }
        }
        var pending: [PendingFile] = []
        pending.reserveCapacity(inputs.count)
        for path in inputs {
            if path == SiteLoader.configFile {
                pending.append(PendingFile(path: path, role: .config))
                continue
            }
            let parts = parts(path)
            if parts.count == 2, parts[0] == Substring(SiteLoader.assetsDirectory), folders.contains(SiteLoader.assetsDirectory) {
                pending.append(PendingFile(path: path, role: .asset))
                continue
            }
            guard parts.count >= 3, parts[0] == content, let project = projectIndex[parts[1]] else { return nil }
            let name = parts[parts.count - 1]
            let role: Role
            switch (parts.count, parts[2]) {
            case (3, "project.json"): role = .project
            case (4, "shares") where name.hasSuffix(".json"): role = .share(.json)
            case (4, "shares") where name.hasSuffix(".md"): role = .share(.markdown)
            case (4, "credentials") where name.hasSuffix(".json"): role = .credential
            case (4, "assets"): role = .asset
            default: return nil
            }
            pending.append(PendingFile(path: path, role: role, project: project))
        }
        return Discovery(pending: pending, projects: projects, diagnostics: [])
    }

    /// Walks the folders and reads and parses every input file.
    public func load() -> LoadedSite {
        load(discover())
    }

    /// Reads and parses the files of an earlier `discover()`.
    public func load(_ discovery: Discovery) -> LoadedSite {
        read(discovery, config: nil, summarizer: nil as (@Sendable (ShareFile) -> Summarized<Never>)?).site
    }

    /// `load(_:)` for a caller that needs each share file only in digested form (a build):
    /// the configuration is read first and given to `makeSummarizer`; then each share
    /// file is handed to the summarizer, which reads, parses and summarizes it in one task
    /// (or, holding its summary already, need not read it), so the parsed trees of all
    /// shares never exist together (peak memory). The shares of the loaded site keep
    /// their path, format and the digest the summarizer gives, not their value or body.
    public func load<Summary: Sendable>(
        _ discovery: Discovery, summarizingShares makeSummarizer: (SourceDocument?) -> @Sendable (ShareFile) -> Summarized<Summary>
    ) -> (site: LoadedSite, summaries: [String: Summary]) {
        let configFile = discovery.pending.first { if case .config = $0.role { true } else { false } }
        let config = configFile.map { parse($0) }
        return read(discovery, config: config, summarizer: makeSummarizer(config?.0))
    }

    /// One share file of a discovery, handed to the summarizer of `load(_:summarizingShares:)`.
    public struct ShareFile: Sendable {
        public var path: String { file.path }
        /// The project folder's name.
        public let project: String
        fileprivate let file: PendingFile
        fileprivate let loader: SiteLoader

        /// The file's bytes and their digest, or the diagnostic of a file that cannot be read.
        public func read() -> Result<Input, Unreadable> { loader.readInput(file) }

        /// The file parsed from what `read()` gave.
        public func parse(_ input: Result<Input, Unreadable>) -> (SourceDocument, [Diagnostic]) { loader.parse(file, input) }
    }

    /// What a summarizer made of one share file: the digest of its bytes (0 when it could
    /// not be read), the diagnostics of reading and parsing it, and its summary.
    public struct Summarized<Summary: Sendable>: Sendable {
        public var digest: UInt64
        public var diagnostics: [Diagnostic]
        public var summary: Summary

        public init(digest: UInt64, diagnostics: [Diagnostic], summary: Summary) {
            self.digest = digest
            self.diagnostics = diagnostics
            self.summary = summary
        }
    }

    private func read<Summary: Sendable>(
        _ discovery: Discovery, config preread: (SourceDocument, [Diagnostic])?, summarizer: (@Sendable (ShareFile) -> Summarized<Summary>)?
    ) -> (site: LoadedSite, summaries: [String: Summary]) {
        var projects = discovery.projects
        var diagnostics = discovery.diagnostics
        var config = preread?.0
        var assets: [SourceDocument] = []
        diagnostics += preread?.1 ?? []
        let pending = preread == nil ? discovery.pending : discovery.pending.filter { if case .config = $0.role { false } else { true } }
        let ids = projects.map(\.id)
        let parsed = pending.parallelMap { file -> (SourceDocument, [Diagnostic], Summary?) in
            guard let summarizer, case .share = file.role, let project = file.project else {
                let (document, found) = parse(file)
                return (document, found, nil)
            }
            let summarized = summarizer(ShareFile(project: ids[project], file: file, loader: self))
            let document = SourceDocument(path: file.path, value: nil, format: Self.format(file.role), digest: summarized.digest)
            return (document, summarized.diagnostics, summarized.summary)
        }
        var summaries: [String: Summary] = [:]
        for (file, (document, fileDiagnostics, summary)) in zip(pending, parsed) {
            diagnostics += fileDiagnostics
            if let summary { summaries[document.path] = summary }
            switch file.role {
            case .config: config = document
            case .project: projects[file.project!].projectFile = document
            case .share: projects[file.project!].shares.append(document)
            case .credential: projects[file.project!].credentials.append(document)
            case .asset:
                if let project = file.project { projects[project].assets.append(document) } else { assets.append(document) }
            }
        }
        return (LoadedSite(config: config, assets: assets, projects: projects, diagnostics: diagnostics), summaries)
    }

    /// `site` with the files at `paths` (relative to the root) read and parsed again, so that a
    /// watcher that knows which files changed does not walk and parse the whole site. Paths
    /// that are not input files and no longer exist are skipped (an editor's temporary files).
    /// Nil when the set of input files may have changed — a file added, removed or renamed,
    /// a folder, a stray file: then only `load()` gives what a fresh build would see.
    public func reload(_ paths: Set<String>, in site: LoadedSite) -> LoadedSite? {
        var site = site
        let mentioned = Set(site.diagnostics.map(\.file))
        var pending: [PendingFile] = []
        for path in paths {
            if let file = inputFile(path, in: site) {
                guard fileSystem.resolvedKind(at: absolute(path)) == .file else { return nil }
                pending.append(file)
            } else if fileSystem.kind(at: absolute(path)) != nil || mentioned.contains(path) {
                return nil
            }
        }
        let parsed = pending.parallelMap { file in parse(file) }
        let reread = Set(pending.map(\.path))
        site.diagnostics.removeAll { reread.contains($0.file) }
        for (file, (document, diagnostics)) in zip(pending, parsed) {
            site.diagnostics += diagnostics
            switch (file.role, file.project) {
            case (.config, _): site.config = document
            case (.project, let project?): site.projects[project].projectFile = document
            case (.share, let project?):
                if let index = site.projects[project].shares.firstIndex(where: { $0.path == file.path }) { site.projects[project].shares[index] = document }
            case (.credential, let project?):
                if let index = site.projects[project].credentials.firstIndex(where: { $0.path == file.path }) { site.projects[project].credentials[index] = document }
            case (.asset, let project?):
                if let index = site.projects[project].assets.firstIndex(where: { $0.path == file.path }) { site.projects[project].assets[index] = document }
            case (.asset, nil):
                if let index = site.assets.firstIndex(where: { $0.path == file.path }) { site.assets[index] = document }
            default: return nil  // `inputFile` gives every file but the configuration and root assets its project
            }
        }
        return site
    }

    /// What `site` read from `path`, as a file to read again, or nil if it is not one of its inputs.
    private func inputFile(_ path: String, in site: LoadedSite) -> PendingFile? {
        if path == site.config?.path { return PendingFile(path: path, role: .config) }
        if site.assets.contains(where: { $0.path == path }) { return PendingFile(path: path, role: .asset) }
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == SiteLoader.contentDirectory,
              let index = site.projects.firstIndex(where: { parts[1] == $0.id }) else { return nil }
        let project = site.projects[index]
        if project.projectFile?.path == path { return PendingFile(path: path, role: .project, project: index) }
        if let share = project.shares.first(where: { $0.path == path }) { return PendingFile(path: path, role: .share(share.format), project: index) }
        if project.credentials.contains(where: { $0.path == path }) { return PendingFile(path: path, role: .credential, project: index) }
        if project.assets.contains(where: { $0.path == path }) { return PendingFile(path: path, role: .asset, project: index) }
        return nil
    }

    /// Reads source lines of the site's files for the excerpts under text diagnostics.
    public var sourceLines: DiagnosticFormatter.SourceLines {
        { [self] file, line in
            guard let bytes = try? fileSystem.readFile(absolute(file)), bytes.count <= SiteLoader.maxFileSize else { return nil }
            return DiagnosticFormatter.line(line, of: bytes)
        }
    }

    private func absolute(_ path: String) -> String {
        joinPath(root, path)
    }

    private func listing(_ path: String, _ diagnostics: inout [Diagnostic]) -> [(name: String, kind: FileKind?)] {
        do {
            return try fileSystem.entries(absolute(path))
        } catch {
            diagnostics.append(.error("source.unreadable", "cannot read folder: \(error.reason)", at: SourceLocation(file: path)))
            return []
        }
    }

    /// The input files of one project folder; `project` is filled in by the caller.
    /// `willList` is told each folder right before it is listed.
    private func projectFiles(_ projectPath: String, _ diagnostics: inout [Diagnostic], willList: (String) -> Void) -> [PendingFile] {
        var files: [PendingFile] = []
        willList(projectPath)
        for (name, kind) in listing(projectPath, &diagnostics) where !name.hasPrefix(".") {
            let path = joinPath(projectPath, name)
            switch (name, kind) {
            case ("project.json", .file):
                files.append(PendingFile(path: path, role: .project, project: nil))
            case ("shares", .directory):
                willList(path)
                for (file, _) in listing(path, &diagnostics) where !file.hasPrefix(".") {
                    let filePath = joinPath(path, file)
                    if file.hasSuffix(".json") {
                        files.append(PendingFile(path: filePath, role: .share(.json), project: nil))
                    } else if file.hasSuffix(".md") {
                        files.append(PendingFile(path: filePath, role: .share(.markdown), project: nil))
                    } else {
                        diagnostics.append(.warning("site.stray-file", "ignored: share files end in .json or .md", at: SourceLocation(file: filePath)))
                    }
                }
            case ("credentials", .directory):
                willList(path)
                for (file, _) in listing(path, &diagnostics) where !file.hasPrefix(".") {
                    let filePath = joinPath(path, file)
                    if file.hasSuffix(".json") {
                        files.append(PendingFile(path: filePath, role: .credential, project: nil))
                    } else {
                        diagnostics.append(.warning("site.stray-file", "ignored: credential files end in .json", at: SourceLocation(file: filePath)))
                    }
                }
            case (SiteLoader.assetsDirectory, .directory):
                willList(path)
                files += assetFiles(path, &diagnostics)
            default:
                diagnostics.append(.warning("site.stray-file", "ignored: a project folder holds project.json, shares/, credentials/ and assets/", at: SourceLocation(file: path)))
            }
        }
        return files
    }

    /// The files of an `assets/` folder; `project` is filled in by the caller.
    private func assetFiles(_ folder: String, _ diagnostics: inout [Diagnostic]) -> [PendingFile] {
        listing(folder, &diagnostics).filter { !$0.name.hasPrefix(".") }.compactMap { name, kind in
            let path = joinPath(folder, name)
            // Only what can be a logo is read: a design's source file beside it is not an input.
            guard kind == .file || kind == .symlink, Brand.Logo.type(of: name) != nil else {
                diagnostics.append(.warning("site.stray-file", "ignored: assets/ holds SVG, PNG and WebP logo files", at: SourceLocation(file: path)))
                return nil
            }
            return PendingFile(path: path, role: .asset, project: nil)
        }
    }

    private func parse(_ file: PendingFile) -> (SourceDocument, [Diagnostic]) {
        parse(file, readInput(file))
    }

    /// The bytes of an input file and their digest, made once.
    public struct Input: Sendable {
        public var bytes: [UInt8]
        public var digest: UInt64
    }

    /// The bytes of an input file, or the diagnostic of one that cannot be read.
    fileprivate func readInput(_ file: PendingFile) -> Result<Input, Unreadable> {
        let location = SourceLocation(file: file.path)
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.readFile(absolute(file.path))
        } catch {
            return .failure(Unreadable(diagnostic: .error("source.unreadable", "cannot read file: \(error.reason)", at: location)))
        }
        if bytes.count > SiteLoader.maxFileSize {
            let message = "file is \(bytes.count) bytes; input files are limited to \(SiteLoader.maxFileSize) bytes"
            return .failure(Unreadable(diagnostic: .error("source.too-large", message, at: location)))
        }
        return .success(Input(bytes: bytes, digest: contentDigest(bytes)))
    }

    /// Why an input file was not read: its diagnostic.
    public struct Unreadable: Error, Sendable {
        public var diagnostic: Diagnostic
    }

    private static func format(_ role: Role) -> ShareFormat {
        if case .share(let format) = role { return format }
        return .json
    }

    fileprivate func parse(_ file: PendingFile, _ input: Result<Input, Unreadable>) -> (SourceDocument, [Diagnostic]) {
        let bytes: Input
        switch input {
        case .failure(let unreadable): return (SourceDocument(path: file.path, value: nil), [unreadable.diagnostic])
        case .success(let read): bytes = read
        }
        let digest = bytes.digest
        if case .asset = file.role {
            return (SourceDocument(path: file.path, value: nil, digest: digest, bytes: bytes.bytes), [])
        }
        if case .share(.markdown) = file.role {
            let result = FrontMatterParser.parse(bytes.bytes, file: file.path)
            let document = SourceDocument(path: file.path, value: result.value, body: result.body, bodyLine: result.bodyLine, format: .markdown, digest: digest)
            return (document, result.diagnostics)
        }
        let (value, diagnostics) = LocatedJSONParser.parse(bytes.bytes, file: file.path)
        return (SourceDocument(path: file.path, value: value, digest: digest), diagnostics)
    }
}

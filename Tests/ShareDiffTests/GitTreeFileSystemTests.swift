import Foundation
import ShareModel
import Testing
@testable import ShareDiff

@Suite("Reading a site from Git")
struct GitTreeFileSystemTests {
    @Test("a committed tree answers like the working tree it was committed from, symlinks included")
    func answersLikeTheWorkingTree() throws {
        let repository = try TestRepository()
        let web = repository.path + "/web"
        try repository.write([
            "sharegen.json": "{}\n",
            "content/p/shares/a.json": "{\"channel\": \"DEV\"}\n",
            "content/p/project.json": "{\"name\": \"P\"}\n",
            "templates/page.mustache": "not read\n",
        ], in: web)
        try FileManager.default.createSymbolicLink(atPath: web + "/content/p/shares/b.json", withDestinationPath: "a.json")
        try FileManager.default.createSymbolicLink(atPath: web + "/content/q", withDestinationPath: "p")
        try FileManager.default.createSymbolicLink(atPath: web + "/content/outside", withDestinationPath: "../../../elsewhere")
        try repository.commit("A small site")

        let tree = try GitTreeFileSystem(directory: web, ref: "HEAD", paths: ["sharegen.json", "content"])
        let disk = LocalFileSystem()
        let paths = [
            "sharegen.json", "content", "content/p", "content/p/shares", "content/p/shares/a.json", "content/p/shares/b.json",
            "content/p/project.json", "content/q", "content/q/shares", "content/q/shares/b.json", "content/outside", "content/missing",
        ]
        for path in paths {
            let onDisk = path.isEmpty ? web : web + "/" + path
            #expect(tree.kind(at: path) == disk.kind(at: onDisk), "kind of \(path)")
            #expect(tree.resolvedKind(at: path) == disk.resolvedKind(at: onDisk), "resolved kind of \(path)")
            #expect((try? tree.contentsOfDirectory(path)) == (try? disk.contentsOfDirectory(onDisk)), "listing of \(path)")
            #expect((try? tree.readFile(path)) == (try? disk.readFile(onDisk)), "contents of \(path)")
        }
        // Only the paths asked for are read.
        for root in ["", ".", "content/.."] {
            #expect(tree.kind(at: root) == .directory)
            #expect(try tree.contentsOfDirectory(root) == ["content", "sharegen.json"])
        }
        #expect(tree.kind(at: "templates") == nil)
    }

    @Test("an unknown ref and a folder outside Git are usage errors")
    func usageErrors() throws {
        let repository = try TestRepository()
        try repository.write(["web/content/p/shares/a.json": "{}\n"])
        try repository.commit("One file")

        #expect {
            try GitTreeFileSystem(directory: repository.path + "/web", ref: "no-such-branch", paths: ["content"])
        } throws: { error in
            guard let error = error as? GitError, case .unknownRef("no-such-branch") = error else { return false }
            return error.isUsageError
        }
        // A ref that looks like an option is still a ref.
        #expect(throws: GitError.self) {
            try GitTreeFileSystem(directory: repository.path, ref: "--output=/tmp/x", paths: ["content"])
        }
        let outside = NSTemporaryDirectory()
        #expect {
            try GitTreeFileSystem(directory: outside, ref: "HEAD", paths: ["content"])
        } throws: { error in
            guard let error = error as? GitError, case .notARepository = error else { return false }
            return error.isUsageError
        }
    }
}

import ShareModel
import Testing

@Suite struct PathTests {
    @Test("the folders holding a set of paths are every ancestor of each, once")
    func enclosingFoldersOfPaths() {
        let folders = enclosingFolders(of: ["site/a/index.html", "site/a/b/x.txt", "site/c/index.html", "manifest.json", "site/é/i.html"])
        #expect(Set(folders.map(String.init)) == ["site", "site/a", "site/a/b", "site/c", "site/é"])
        #expect(enclosingFolders(of: [String]()).isEmpty)
    }
}

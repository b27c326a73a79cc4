import ArgumentParser
import ShareLifecycle
import ShareModel

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List shares, one line each: project, channel, visibility, status, slug, URL.")

    @OptionGroup var site: SiteOptions

    @Option(help: "Only this channel.")
    var channel: Channel?

    @Option(help: "Only this project.")
    var project: String?

    @Flag(help: "Print a JSON array of {project, channel, visibility, status, slug, url, file}.")
    var json = false

    func run() async throws {
        _ = try SiteSession(root: site.root)
        let listing = SiteListing(root: site.root, channel: channel, project: project)
        if json {
            print(JSONValue.array(listing.shares.map(\.json)).serialized(pretty: true))
        } else {
            printColumns(listing.shares.map { [$0.project, $0.channel.rawValue, $0.visibility.rawValue, $0.status.rawValue, $0.slug, $0.url] })
        }
        noteErrors(listing)
    }
}

/// Prints rows with each column padded to its widest cell.
func printColumns(_ rows: [[String]]) {
    guard let columns = rows.first?.count else { return }
    let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        let cells = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
        }
        print(cells.joined(separator: "  "))
    }
}

/// Files with errors are not listed; say so rather than let a share silently go missing.
func noteErrors(_ listing: SiteListing) {
    if listing.errorCount > 0 {
        printError("note: the site has \(listing.errorCount) error\(listing.errorCount == 1 ? "" : "s"); files with errors are not listed (run sharegen check)")
    }
}

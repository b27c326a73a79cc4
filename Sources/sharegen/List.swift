import ArgumentParser
import ShareLifecycle
import ShareModel

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List shares, one line each: project, channel, visibility, status, slug, URL.")

    @OptionGroup var options: ListingOptions

    @Option(help: "Only this channel.")
    var channel: Channel?

    func run() async throws {
        let listing = try options.listing(channel: channel)
        if options.json {
            printOutput(JSONValue.array(listing.shares.map(\.listJSON)).serialized(pretty: true))
        } else {
            printColumns(listing.shares.map { [$0.project, $0.channel.rawValue, $0.visibility.rawValue, $0.status.rawValue, $0.slug, $0.url] })
        }
        noteErrors(listing)
    }
}

/// Options of the listing commands.
struct ListingOptions: ParsableArguments {
    @OptionGroup var site: SiteOptions

    @Option(help: "Only this project.")
    var project: String?

    @Flag(help: "Print a JSON array instead of aligned columns.")
    var json = false

    func listing(channel: Channel? = nil) throws -> SiteListing {
        _ = try SiteSession(root: site.root)
        return SiteListing(root: site.root, channel: channel, project: project)
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
        printOutput(cells.joined(separator: "  "))
    }
}

/// Invalid files are not listed; say so rather than let a share silently go missing.
func noteErrors(_ listing: SiteListing) {
    if listing.errorCount > 0 {
        printError("note: the site has \(listing.errorCount) error\(listing.errorCount == 1 ? "" : "s"); shares and credentials whose file has errors of its own are not listed (run sharegen check)")
    }
}

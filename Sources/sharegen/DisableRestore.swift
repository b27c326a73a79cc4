import ArgumentParser
import ShareLifecycle
import ShareModel

struct Disable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Disable a share: its page becomes a deactivation stub (404); the audit trail records it.")

    @OptionGroup var options: LifecycleOptions
    @OptionGroup var share: ShareArguments

    func run() async throws {
        try setStatus(.disabled, share.selector, options)
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enable a disabled share again; the audit trail records it.")

    @OptionGroup var options: LifecycleOptions
    @OptionGroup var share: ShareArguments

    func run() async throws {
        try setStatus(.enabled, share.selector, options)
    }
}

private func setStatus(_ status: ShareStatus, _ selector: ShareSelector, _ options: LifecycleOptions) throws {
    let lifecycle = try options.lifecycle()
    let change = try runLifecycle(root: options.site.root) { () throws(LifecycleError) in
        try lifecycle.setStatus(status, of: selector)
    }
    if change.kind == .unchanged {
        printOutput("no change: \(change.file) is already \(status.rawValue); nothing written")
    } else {
        report(change, verb: status == .disabled ? "disabled" : "restored", root: options.site.root)
    }
}

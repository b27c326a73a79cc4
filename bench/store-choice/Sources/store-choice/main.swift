import Foundation

// Usage: store-choice [runs=7] [N...=10000 100000]
// Variants run interleaved (one of each per round, order rotated per round) because the
// machine is shared: a burst of someone else's load then hits every variant, not one.
let args = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let runs = args.first ?? 7
let sizes = args.count > 1 ? Array(args.dropFirst()) : [10_000, 100_000]
let dir = "/tmp/store-choice-data"  // same disk as /tmp, as sharegen's cache sits beside its output
try? FileManager.default.removeItem(atPath: dir)
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

func ms(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}
func fileSize(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
func remove(_ path: String) { for p in [path, path + "-wal", path + "-shm", path + "-journal"] { try? FileManager.default.removeItem(atPath: p) } }

/// Samples per (N, row label): times in ms, or sizes in bytes (constant across runs).
var samples: [Int: [String: [Double]]] = [:]
var order: [String] = []
@MainActor func record(_ n: Int, _ label: String, _ value: Double) {
    if !order.contains(label) { order.append(label) }
    samples[n, default: [:]][label, default: []].append(value)
}

for n in sizes {
    let memo = makeMemo(n)
    let expected = fingerprint(memo)
    let records = try JSONStore.make(memo)
    let keys = Array(memo.keys).sorted()
    let blobBytes = memo.values.reduce(0) { $0 + $1.blob.count }
    print("N=\(n): \(blobBytes / n) B/blob on average, \(runs) interleaved runs")

    let variants: [(String, (Int) throws -> Void)] = [
        ("one-file", { _ in
            let path = "\(dir)/memo-\(n).bin"
            record(n, "one-file: write all (tmp + rename)", ms { OneFile.write(memo, to: path) })
            var back: Memo?
            record(n, "one-file: read all + check + decode", ms { back = OneFile.read(path) })
            record(n, "  of which: chunk FNV-1a check", OneFile.lastCheckMs)
            precondition(back.map(fingerprint) == expected, "one-file read back wrong")
            record(n, "one-file: file size (MB)", Double(fileSize(path)) / 1e6)
        }),
        ("sqlite-wal", { run in try sqlite(.wal, run) }),
        ("sqlite-rollback", { run in try sqlite(.rollback, run) }),
        ("json", { _ in
            var data = Data()
            record(n, "Codable JSON: encode all", try ms { data = try JSONEncoder().encode(records) })
            var back: [String: StoredEntry] = [:]
            record(n, "Codable JSON: decode all", try ms { back = try JSONDecoder().decode([String: StoredEntry].self, from: data) })
            precondition(back.count == n, "json decode wrong")
            record(n, "Codable JSON: size (MB)", Double(data.count) / 1e6)
        }),
    ]

    func sqlite(_ journal: SQLiteStore.Journal, _ run: Int) throws {
        let name = "sqlite-\(journal.rawValue)"
        let path = "\(dir)/memo-\(n)-\(journal.rawValue).sqlite"
        remove(path)
        var queue = try SQLiteStore.open(path, journal)
        record(n, "\(name): insert all (1 tx)", try ms { try SQLiteStore.create(queue, memo) })
        try queue.close()
        // The edit an incremental build would do: open, read every row, change one, close.
        let key = keys[(run * 7919) % n]
        var edited: Memo = [:]
        var rng = SplitMix(state: UInt64(run))
        let blob = text(memo[key]!.blob.count, &rng)
        record(n, "\(name): one-share edit (open+read all+update 1+close)", try ms {
            let q = try SQLiteStore.open(path, journal)
            edited = try SQLiteStore.readAll(q)
            try SQLiteStore.updateOne(q, path: key, digest: rng.next(), blob: blob)
            try q.close()
        })
        precondition(edited.count == n && fingerprint(edited) == expected, "sqlite read back wrong")
        queue = try SQLiteStore.open(path, journal)
        edited = [:]  // free the last read outside the timing, as the other reads start empty
        record(n, "\(name): read all (open db)", try ms { edited = try SQLiteStore.readAll(queue) })
        precondition(edited.count == n, "sqlite read wrong")
        record(n, "\(name): update 1 row (1 tx)", try ms { try SQLiteStore.updateOne(queue, path: key, digest: 1, blob: blob) })
        try queue.close()
        record(n, "\(name): file size (MB)", Double(fileSize(path) + fileSize(path + "-wal")) / 1e6)
    }

    for run in 0..<runs {
        for i in 0..<variants.count {
            let (_, body) = variants[(i + run) % variants.count]
            try body(run)
        }
        FileHandle.standardError.write("  N=\(n) run \(run + 1)/\(runs) done\n".data(using: .utf8)!)
    }
}

// Markdown table: median (min) per N.
func cell(_ values: [Double]?, size: Bool) -> String {
    guard let values, !values.isEmpty else { return "–" }
    let s = values.sorted()
    let median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    if size { return String(format: "%.1f MB", median) }
    return String(format: "%.1f (%.1f)", median, s[0])
}
print("\n| measurement | " + sizes.map { "N=\($0) ms median (min)" }.joined(separator: " | ") + " |")
print("|---|" + sizes.map { _ in "---:|" }.joined())
for label in order {
    let size = label.hasSuffix("(MB)")
    print("| \(label) | " + sizes.map { cell(samples[$0]?[label], size: size) }.joined(separator: " | ") + " |")
}
try? FileManager.default.removeItem(atPath: dir)

import Foundation
import GRDB

/// The memo as one SQLite table through GRDB: a one-share edit reads every row (site-wide
/// rules need them all) but writes one.
enum SQLiteStore {
    enum Journal: String { case wal, rollback }

    static func open(_ path: String, _ journal: Journal) throws -> DatabaseQueue {
        var config = Configuration()
        // .wal also sets synchronous = NORMAL (GRDB's choice); the rollback journal keeps
        // SQLite's default synchronous = FULL, so it fsyncs on every commit.
        if journal == .wal { config.journalMode = .wal }
        return try DatabaseQueue(path: path, configuration: config)
    }

    static func create(_ queue: DatabaseQueue, _ memo: Memo) throws {
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE memo(path TEXT PRIMARY KEY, digest INTEGER NOT NULL,
                                  project TEXT NOT NULL, outcome BLOB NOT NULL)
                """)
            // One prepared statement reused for every row, as GRDB recommends for bulk inserts.
            let insert = try db.makeStatement(sql: "INSERT INTO memo VALUES (?, ?, ?, ?)")
            for (path, entry) in memo {
                try insert.execute(arguments: [path, Int64(bitPattern: entry.digest), entry.project, Data(entry.blob)])
            }
        }
    }

    /// Row cursor with positional access (no Row copies, no column-name lookups), the fast
    /// path in GRDB's docs; the blob is read without an intermediate Data copy.
    static func readAll(_ queue: DatabaseQueue) throws -> Memo {
        try queue.read { db in
            var memo: Memo = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, digest, project, outcome FROM memo")
            while let row = try rows.next() {
                let blob = try row.withUnsafeData(atIndex: 3) { data in data.map { [UInt8]($0) } ?? [] }
                let digest: Int64 = row[1]
                memo[row[0]] = (UInt64(bitPattern: digest), row[2], blob)
            }
            return memo
        }
    }

    static func updateOne(_ queue: DatabaseQueue, path: String, digest: UInt64, blob: [UInt8]) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE memo SET digest = ?, outcome = ? WHERE path = ?",
                           arguments: [Int64(bitPattern: digest), Data(blob), path])
            precondition(db.changesCount == 1, "row not found")
        }
    }
}

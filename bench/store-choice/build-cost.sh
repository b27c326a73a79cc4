#!/usr/bin/env bash
# Clean release-build time and binary size of a trivial package with vs. without GRDB.
# Packages are generated under /tmp so nothing lands in the repo. RUNS defaults to 7
# (one clean GRDB release build takes ~100 s on 2 cores); runs alternate with/without.
set -euo pipefail
RUNS=${RUNS:-7}
root=/tmp/store-choice-buildcost
mkdir -p "$root/with/Sources/app" "$root/without/Sources/app"
cat > "$root/with/Package.swift" <<'P'
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "app",
    dependencies: [.package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0")],
    targets: [.executableTarget(name: "app", dependencies: [.product(name: "GRDB", package: "GRDB.swift")])])
P
cat > "$root/with/Sources/app/main.swift" <<'P'
import Foundation
import GRDB
// Uses GRDB for real so the linker keeps what a store would pull in.
let q = try DatabaseQueue()
try q.write { db in
    try db.execute(sql: "CREATE TABLE t(k TEXT PRIMARY KEY, v BLOB)")
    try db.execute(sql: "INSERT INTO t VALUES (?, ?)", arguments: ["a", Data([1, 2])])
}
let n = try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
print(n ?? 0)
P
cat > "$root/without/Package.swift" <<'P'
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "app", targets: [.executableTarget(name: "app")])
P
cat > "$root/without/Sources/app/main.swift" <<'P'
import Foundation
print(Data([1, 2]).count)
P
# Resolve once outside the timing (a fresh CI machine would fetch instead; not measured).
swift package --package-path "$root/with" --scratch-path "$root/with-build" resolve >/dev/null
for i in $(seq 1 "$RUNS"); do
  for v in with without; do
    rm -rf "$root/$v-build/release" "$root/$v-build/x86_64-unknown-linux-gnu"
    s=$(date +%s.%N)
    swift build -c release --package-path "$root/$v" --scratch-path "$root/$v-build" >/tmp/store-choice-buildcost-$v.log 2>&1
    e=$(date +%s.%N)
    bin="$root/$v-build/release/app"
    printf 'run %d %-7s %7.1f s  binary %d bytes  stripped %d bytes\n' "$i" "$v" "$(echo "$e - $s" | bc)" \
      "$(stat -c %s "$bin")" "$(strip -o /tmp/store-choice-stripped "$bin" && stat -c %s /tmp/store-choice-stripped)"
  done
done

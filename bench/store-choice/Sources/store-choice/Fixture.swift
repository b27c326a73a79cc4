import Foundation

/// One memo entry as sharegen keeps it: content digest, project id, encoded outcome.
typealias Entry = (digest: UInt64, project: String, blob: [UInt8])
typealias Memo = [String: Entry]

/// SplitMix64: fixed seed, so every run and every variant sees the same bytes.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let words = """
    the a share video link public private channel teal willow amber river stone project slug poster \
    title chapter follow up review draft launch demo onboarding customer release notes enabled disabled \
    watch embed brand logo color timeline caption subtitle english french status visibility expires \
    created updated owner team reviewer comment warning error field line column value expected found
    """.split(separator: " ").map { Array($0.utf8) }
let adjectives = ["teal", "amber", "quiet", "brisk", "cobalt", "misty", "rapid", "golden", "silent", "lunar"]
let nouns = ["willow", "river", "stone", "falcon", "harbor", "meadow", "cedar", "comet", "delta", "ember"]
let slugs = ["follow-up", "launch-demo", "onboarding", "q3-review", "release-notes", "walkthrough", "teaser", "interview"]

/// Text-like bytes (words, spaces, the odd newline): compressible, like an encoded outcome.
func text(_ count: Int, _ rng: inout SplitMix) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count + 16)
    while out.count < count {
        out += words[Int(rng.next() % UInt64(words.count))]
        out.append(rng.next() % 12 == 0 ? 10 : 32)
    }
    return Array(out.prefix(count))
}

/// N entries keyed like `content/teal-willow-07929/shares/follow-up.md`, about 4 shares
/// per project, blobs of 1.5–3.5 KB.
func makeMemo(_ n: Int) -> Memo {
    var rng = SplitMix(state: 42)
    var memo: Memo = [:]
    memo.reserveCapacity(n)
    var i = 0
    while memo.count < n {
        let project = "\(adjectives[i % 10])-\(nouns[(i / 10) % 10])-\(String(format: "%05d", i / 4))"
        let path = "content/\(project)/shares/\(slugs[Int(rng.next() % 8)])-\(i % 4).md"
        let length = 1536 + Int(rng.next() % 2049)
        memo[path] = (rng.next(), project, text(length, &rng))
        i += 1
    }
    return memo
}

/// Cheap fingerprint of a memo, so the optimizer cannot drop a read and a wrong read shows.
func fingerprint(_ memo: Memo) -> Int {
    memo.reduce(memo.count) { $0 &+ $1.value.blob.count &+ Int(truncatingIfNeeded: $1.value.digest) &+ $1.value.project.utf8.count }
}

import Foundation
import Testing
import TestSupport

/// SPEC §7 with real processes: `bench/signer-replicas.sh` runs three `sharegen signer`
/// replicas behind nginx `upstream` under wrk load, rolls a manifest and a key file out with
/// SIGHUP to each in turn, and kills one. The script fails on any lost request.
@Suite("Signer replicas")
struct ReplicaTests {
    static let tools = ["wrk", "nginx", "curl", "python3"].allSatisfy { Tools.which($0) != nil }

    @Test("a token of one replica verifies on all; a rollout and a lost replica under load fail no request",
          .tags(.nginx, .external, .slow), .enabled(if: tools && Tools.sharegen != nil, "needs wrk, nginx, curl, python3 and the built sharegen"))
    func rolloutAndLoss() throws {
        let result = try Tools.run(
            "/bin/bash", [Tools.repository + "/bench/signer-replicas.sh"],
            environment: ["SHAREGEN": try #require(Tools.sharegen), "DURATION": "6s", "CONNECTIONS": "16"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("verifies on all 3 replicas"), "\(result.output)")
        #expect(result.output.contains("non-2xx: 0   socket errors: none"), "\(result.output)")
        #expect(result.output.contains("replicas: ok"), "\(result.output)")
    }
}

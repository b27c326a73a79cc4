import Foundation
import Logging
import Testing
@testable import ShareSigner

@Suite("JSON log lines")
struct LogHandlerTests {
    @Test("one JSON object per line: time, level, logger, message, then the metadata")
    func line() throws {
        let recorder = LogRecorder()
        var logger = recorder.logger(level: .info)
        logger[metadataKey: "hb.request.id"] = "42"
        logger.debug("not written")
        logger.info("manifest \"loaded\"\n", metadata: ["shares": "5", "keys": .array(["k0", "k1"]), "nested": .dictionary(["b": "2", "a": "1"])])
        #expect(recorder.all.count == 1)
        let line = try #require(recorder.all.first)
        #expect(line.hasSuffix("}\n") && line.dropLast().allSatisfy { $0 != "\n" })
        #expect(line.hasPrefix(#"{"time":""#))
        #expect(line.contains(#","level":"info","logger":"sharegen.signer.test","message":"manifest \"loaded\"\n","hb.request.id":"42","keys":["k0","k1"],"nested":{"a":"1","b":"2"},"shares":"5"}"#))
        let time = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
    }
}

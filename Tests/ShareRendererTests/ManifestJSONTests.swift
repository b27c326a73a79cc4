import Foundation
import ShareModel
import Testing

/// `manifest.json` is written by hand (no JSONEncoder); these prove it is the document
/// the signer's `JSONDecoder` reads back, with sorted keys and absent optionals left out.
@Suite("Manifest JSON")
struct ManifestJSONTests {
    static func share(full: Bool) -> Manifest.Share {
        let video = Manifest.Video(
            id: "v\"1", segment: full ? Manifest.Segment(id: "s", start: 1.5, end: 20) : nil, status: .completed,
            hlsUrl: full ? "https://m.example/a/b.m3u8" : nil, mp4Url: "https://m.example/a/b.mp4", embedUrl: full ? "https://e.example/x" : nil,
            thumbnailUrl: full ? "https://m.example/t.jpg" : nil,
            captions: full ? [Caption(locale: "es", label: "Español", src: "https://m.example/a/es.vtt")] : nil, durationSeconds: full ? 61.25 : nil, width: full ? 1280 : nil, height: full ? 720 : nil)
        return Manifest.Share(
            id: "id", project: "p", slug: full ? "abcd2345efgh6723" : "zzzz2345efgh6723", path: "/s/", url: "https://w.example/s/", status: .enabled,
            visibility: full ? .private : .public, video: video, apiCredentialId: full ? "3f1c2b9e-6a4d-4e8f-9b2a-1c3d5e7f9a0b" : nil,
            locale: "es-CL", title: "Título </script> \u{2028} \\ \n\t\u{1}", subtitle: full ? "sub" : nil, description: "*d*",
            metadata: full ? .object([("z", .number("1.50")), ("a", .array([.null, .bool(true), .string("x")]))]) : nil,
            personalizationData: full ? .object([("name", .string("Ana")), ("nested", .object([("b", .number(2)), ("a", .number(1))]))]) : nil,
            createdAt: full ? "2026-01-02T03:04:05Z" : nil, sourceFile: "content/p/shares/a.md")
    }

    static let manifest = Manifest(
        channel: .PROD, baseURL: "https://w.example", siteName: "Site", signing: Manifest.Signing(SigningConfig(mediaBaseURL: "https://m.example/")),
        shares: [share(full: true), share(full: false)], redirects: [Manifest.Redirect(from: "old", to: "new", project: "p")],
        gone: [Manifest.Gone(slug: "gone", project: "p")],
        credentials: [Manifest.Credential(id: "c", project: "p", apiKey: "pk_1", secretHash: "sha256:00", status: .active)])

    @Test("the written manifest decodes to what JSONEncoder's document decodes to")
    func roundTrip() throws {
        let bytes = Self.manifest.json.serializedBytes(pretty: true)
        let decoded = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        // Decoding normalizes nested data (keys sorted, numbers as Double), so compare
        // with Foundation's own round trip rather than with the value itself.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let reference = try JSONDecoder().decode(Manifest.self, from: encoder.encode(Self.manifest))
        #expect(decoded == reference)
        #expect(decoded.shares.first?.title == Self.manifest.shares.first?.title)
    }

    @Test("keys are sorted at every depth and absent optionals are left out")
    func sortedAndCompact() throws {
        let object = try #require(JSONSerialization.jsonObject(with: Data(Self.manifest.json.serializedBytes())) as? [String: Any])
        func keys(_ text: String) -> [String] {
            // Key order as written, read from the serialized text itself.
            let pattern = /"([A-Za-z]+)":/
            return text.matches(of: pattern).map { String($0.1) }
        }
        let top = Self.manifest.json
        func expectSorted(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let members):
                #expect(members.map(\.0) == members.map(\.0).sorted(), "keys of \(path)")
                for (key, member) in members { expectSorted(member, path + "." + key) }
            case .array(let elements):
                for element in elements { expectSorted(element, path + "[]") }
            default: break
            }
        }
        expectSorted(top, "manifest")
        let lean = try #require((object["shares"] as? [[String: Any]])?.last)
        #expect(lean["subtitle"] == nil && lean["metadata"] == nil && lean["createdAt"] == nil && lean["apiCredentialId"] == nil)
        let leanVideo = try #require(lean["video"] as? [String: Any])
        #expect(Set(leanVideo.keys) == ["id", "mp4Url", "status"])
        let text = String(decoding: top.serializedBytes(), as: UTF8.self)
        let firstShare = String(text[try #require(text.range(of: #""shares":["#)).upperBound...])
        #expect(keys(firstShare).starts(with: ["apiCredentialId", "createdAt", "description", "id", "locale", "metadata", "a", "z", "path"]))
        #expect(firstShare.contains(#""nested":{"a":1,"b":2}"#))
    }
}

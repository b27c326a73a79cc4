import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ShareSigner

@Suite("Routes")
struct RouteTests {
    // MARK: GET /v1/shares/{slug}

    @Test("a public share: plain URLs, no expiry, every field of the answer")
    func publicShare() async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/shares/acme-public", method: .get, headers: Fixture.acme.apiKeyHeader)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-store")
            let share = try response.object
            #expect(Set(share.keys) == [
                "object", "id", "fileId", "fileSegmentId", "type", "title", "description", "metadata", "visibility", "status",
                "thumbnailUrl", "shareUrl", "hlsUrl", "mediaUrl", "mediaUrlExpiresAt", "createdAt",
            ])
            #expect(share["object"] as? String == "share")
            #expect(share["id"] as? String == "id-acme-public")
            #expect(share["fileId"] as? String == "vid-public")
            #expect(share["fileSegmentId"] is NSNull)
            #expect(share["type"] as? String == "file")
            #expect(share["title"] as? String == "Title of acme-public")
            #expect(share["description"] as? String == "About *acme-public*.\n")
            #expect((share["metadata"] as? [String: String]) == ["campaign": "spring"])
            #expect(share["visibility"] as? String == "public")
            #expect(share["status"] as? String == "completed")
            #expect(share["thumbnailUrl"] as? String == "https://cdn.test/videos/vid-public/poster.jpg")
            #expect(share["shareUrl"] as? String == "https://watch.test/acme-public/")
            #expect(share["hlsUrl"] as? String == "https://cdn.test/videos/vid-public/index.m3u8")
            #expect(share["mediaUrl"] as? String == "https://cdn.test/videos/vid-public/720p.mp4")
            #expect(share["mediaUrlExpiresAt"] is NSNull)
            #expect(share["createdAt"] as? String == "2026-01-01T00:00:00Z")
        }
    }

    @Test("a private share: signed URLs that expire after the default TTL, and a share URL carrying them in its fragment")
    func privateShare() async throws {
        try await withSignerRouter { client in
            let share = try await client.execute(uri: "/v1/shares/acme-private", method: .get, headers: Fixture.acme.basicHeader).object
            let expires = Fixture.now + 300
            let token = "\(expires)/k1/acme-private/" + MediaToken.signature(key: Fixture.activeKey, expires: expires, slug: "acme-private", directory: "/videos/priv/")
            let hls = "https://media.test/t/\(token)/videos/priv/index.m3u8"
            let mp4 = "https://media.test/t/\(token)/videos/priv/720p.mp4"
            #expect(share["hlsUrl"] as? String == hls)
            #expect(share["mediaUrl"] as? String == mp4)
            #expect(share["thumbnailUrl"] as? String == "https://media.test/t/\(token)/videos/priv/poster.jpg")
            #expect(share["mediaUrlExpiresAt"] as? String == "2026-01-01T00:05:00Z")
            #expect(share["type"] as? String == "file_segment")
            #expect(share["fileSegmentId"] as? String == "intro")
            #expect(share["visibility"] as? String == "private")
            // What share.js does: URLSearchParams over the fragment, each value under <mediaBase>/t/.
            let shareURL = try #require(share["shareUrl"] as? String)
            let components = try #require(URLComponents(string: shareURL))
            #expect(shareURL.hasPrefix("https://watch.test/acme-private/#hls="))
            var fragment = URLComponents()
            fragment.percentEncodedQuery = components.percentEncodedFragment
            let parameters = Dictionary(uniqueKeysWithValues: (fragment.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(parameters == ["hls": hls, "mp4": mp4, "poster": "https://media.test/t/\(token)/videos/priv/poster.jpg"])
        }
    }

    @Test("?ttl= sets the expiry; beyond the manifest's maximum, zero or not a number is 400", arguments: [
        ("60", 200), ("3600", 200), ("3601", 400), ("0", 400), ("-5", 400), ("1e3", 400), ("", 400),
    ])
    func ttl(value: String, status: Int) async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/shares/acme-private?ttl=\(value)", method: .get, headers: Fixture.acme.apiKeyHeader)
            #expect(response.status.code == status)
            if status == 200 {
                #expect(try response.object["mediaUrlExpiresAt"] as? String == UTCTimestamp.iso8601(Fixture.now + Int64(value)!))
            } else {
                #expect(response.errorCode == "bad_request")
                #expect(String(buffer: response.body).contains("from 1 to 3600"))
            }
        }
    }

    @Test("credentials: missing, wrong or malformed is 401 with a challenge; revoked is 403", arguments: [
        ([:], 401, "unauthorized"),
        ([Authentication.apiKeyHeader: "sk_wrong"], 401, "unauthorized"),
        ([Authentication.apiKeyHeader: Fixture.acme.apiKey], 401, "unauthorized"),
        ([.authorization: "Basic " + Data("pk_acme:sk_wrong".utf8).base64EncodedString()], 401, "unauthorized"),
        ([.authorization: "Basic " + Data("pk_nobody:sk_acme_secret".utf8).base64EncodedString()], 401, "unauthorized"),
        ([.authorization: "Basic !!!"], 401, "unauthorized"),
        ([.authorization: "Bearer sk_acme_secret"], 401, "unauthorized"),
        (Fixture.revoked.apiKeyHeader, 403, "credential_revoked"),
        (Fixture.revoked.basicHeader, 403, "credential_revoked"),
        ([.authorization: "basic " + Data("pk_acme:sk_acme_secret".utf8).base64EncodedString()], 200, nil),
    ] as [(HTTPFields, Int, String?)])
    func credentials(headers: HTTPFields, status: Int, code: String?) async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/shares/acme-public", method: .get, headers: headers)
            #expect(response.status.code == status)
            #expect(response.errorCode == code)
            #expect((response.headers[.wwwAuthenticate] != nil) == (status == 401))
        }
    }

    @Test("404 unknown, disabled and other project's shares; 410 rotated-away slugs; 409 unfinished video", arguments: [
        ("nope-nope", Fixture.acme, 404, "not_found"),
        ("acme-private-off", Fixture.acme, 404, "not_found"),
        ("other-private", Fixture.acme, 404, "not_found"),
        ("acme-private", Fixture.other, 404, "not_found"),
        ("acme-gone", Fixture.acme, 410, "slug_rotated"),
        ("acme-moved", Fixture.acme, 410, "slug_rotated"),
        ("acme-gone", Fixture.other, 404, "not_found"),
        ("acme-processing", Fixture.acme, 409, "video_not_ready"),
        ("other-private", Fixture.other, 200, nil),
    ] as [(String, Fixture.Caller, Int, String?)])
    func lookups(slug: String, caller: Fixture.Caller, status: Int, code: String?) async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/shares/\(slug)", method: .get, headers: caller.apiKeyHeader)
            #expect(response.status.code == status)
            #expect(response.errorCode == code)
            if code != nil { #expect(try (response.object["error"] as? [String: Any])?["message"] is String) }
        }
    }

    @Test("a redirect rotation names the current slug to its own project")
    func redirectMessage() async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/shares/acme-moved", method: .get, headers: Fixture.acme.apiKeyHeader)
            #expect(String(buffer: response.body).contains("current slug is acme-private"))
        }
    }

    // MARK: POST /v1/video/share

    @Test("HeyGen-compatible: code 100 and the share URL; a private share's URL carries signed media")
    func videoShare() async throws {
        try await withSignerRouter { client in
            let publicAnswer = try await client.execute(
                uri: "/v1/video/share", method: .post, headers: Fixture.acme.apiKeyHeader, body: ByteBuffer(string: #"{"video_id": "vid-public"}"#))
            #expect(publicAnswer.status == .ok)
            #expect(String(buffer: publicAnswer.body) == #"{"code":100,"data":"https://watch.test/acme-public/","msg":null,"message":null}"#)
            let privateAnswer = try await client.execute(
                uri: "/v1/video/share", method: .post, headers: Fixture.acme.basicHeader, body: ByteBuffer(string: #"{"video_id":"vid-private"}"#))
            let object = try privateAnswer.object
            #expect(object["code"] as? Int == 100)
            #expect(object["msg"] is NSNull && object["message"] is NSNull)
            let data = try #require(object["data"] as? String)
            #expect(data.hasPrefix("https://watch.test/acme-private/#hls=https%3A%2F%2Fmedia.test%2Ft%2F\(Fixture.now + 300)%2Fk1%2Facme-private%2F"))
            #expect(data.contains("&mp4="))
        }
    }

    @Test("HeyGen-shaped errors: the HTTP status as code, a message, and the error object", arguments: [
        (#"{"video_id": "vid-public"}"#, HTTPFields(), 401),
        (#"{"video_id": "vid-public"}"#, Fixture.revoked.apiKeyHeader, 403),
        (#"{"video_id": "vid-other"}"#, Fixture.acme.apiKeyHeader, 404),
        (#"{"video_id": "vid-off"}"#, Fixture.acme.apiKeyHeader, 404),
        (#"{"video_id": "vid-processing"}"#, Fixture.acme.apiKeyHeader, 409),
        (#"{"video_id": 7}"#, Fixture.acme.apiKeyHeader, 400),
        (#"{"video": "vid-public"}"#, Fixture.acme.apiKeyHeader, 400),
        (#"{"video_id": ""}"#, Fixture.acme.apiKeyHeader, 400),
        ("not json", Fixture.acme.apiKeyHeader, 400),
        (#"{"video_id": "\#(String(repeating: "x", count: 2000))"}"#, Fixture.acme.apiKeyHeader, 413),
    ] as [(String, HTTPFields, Int)])
    func videoShareErrors(body: String, headers: HTTPFields, status: Int) async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/video/share", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status.code == status)
            let object = try response.object
            #expect(object["code"] as? Int == status)
            #expect(object["data"] is NSNull)
            let message = try #require(object["message"] as? String)
            #expect(object["msg"] as? String == message)
            #expect((object["error"] as? [String: Any])?["message"] as? String == message)
        }
    }

    // MARK: GET /v1/verify

    static let verifications: [(String, Int)] = [
        (Fixture.tokenURI("/videos/priv/index.m3u8"), 204),
        (Fixture.tokenURI("/videos/priv/seg-00042.ts") + "?_HLS_msn=3", 204),
        (Fixture.tokenURI("/videos/priv/720p/seg-1.ts", directory: "/videos/priv/"), 204),
        (Fixture.tokenURI("/videos/priv/720p/seg-1.ts"), 403),
        (Fixture.tokenURI("/videos/off/index.m3u8", slug: "acme-private-off"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8", slug: "acme-gone"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8", slug: "acme-moved"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8", slug: "acme-public"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8", slug: "other-private"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8").replacingOccurrences(of: "/acme-private/", with: "/other-private/"), 403),
        (Fixture.tokenURI("/videos/priv/720p.mp4", keys: Fixture.oldKeyOnly), 204),
        (Fixture.tokenURI("/videos/priv/index.m3u8", expires: Fixture.now - 30), 204),
        (Fixture.tokenURI("/videos/priv/index.m3u8", expires: Fixture.now - 31), 403),
        (Fixture.tokenURI("/videos/off/index.m3u8"), 403),
        (Fixture.tokenURI("/videos/elsewhere/a.ts"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8").replacingOccurrences(of: "/videos/priv/", with: "/videos/other/"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8").replacingOccurrences(of: "/k1/", with: "/k9/"), 403),
        (Fixture.tokenURI("/videos/priv/index.m3u8").replacingOccurrences(of: "/t/\(Fixture.now + 300)/", with: "/t/\(Fixture.now + 301)/"), 403),
        (Fixture.tokenURI("/videos/priv/a.ts").replacingOccurrences(of: "/a.ts", with: "/..%2F..%2Fother/a.ts"), 403),
        ("/videos/priv/index.m3u8", 403),
        ("", 403),
    ]

    @Test("verify: 204 for a valid token (any file under the directory, any query), 403 otherwise", arguments: verifications)
    func verify(uri: String, status: Int) async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/verify", method: .get, headers: [SignerRoutes.originalURIHeader: uri])
            #expect(response.status.code == status)
            if status == 204 { #expect(response.body.readableBytes == 0) } else { #expect(response.errorCode == "forbidden") }
        }
    }

    @Test("verify without X-Original-URI is 403")
    func verifyWithoutURI() async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: "/v1/verify", method: .get)
            #expect(response.status == .forbidden)
        }
    }

    @Test("a token signed for another project's share verifies only its own directory")
    func verifyOtherProject() async throws {
        try await withSignerRouter { client in
            let share = try await client.execute(uri: "/v1/shares/other-private", method: .get, headers: Fixture.other.apiKeyHeader).object
            let hls = try #require(share["hlsUrl"] as? String)
            let uri = String(hls.dropFirst(Fixture.mediaBase.count))
            let response = try await client.execute(uri: "/v1/verify", method: .get, headers: [SignerRoutes.originalURIHeader: uri])
            #expect(response.status == .noContent)
        }
    }

    // MARK: HEAD and other methods

    @Test("HEAD answers like GET without the body: same status, type and length", arguments: [
        ("/healthz", HTTPFields()), ("/v1/shares/acme-private", Fixture.acme.apiKeyHeader), ("/v1/shares/nope-nope", Fixture.acme.apiKeyHeader),
        ("/v1/verify", [SignerRoutes.originalURIHeader: Fixture.tokenURI("/videos/priv/index.m3u8")]),
    ] as [(String, HTTPFields)])
    func head(uri: String, headers: HTTPFields) async throws {
        try await withSignerRouter { client in
            let get = try await client.execute(uri: uri, method: .get, headers: headers)
            let head = try await client.execute(uri: uri, method: .head, headers: headers)
            #expect(head.status == get.status)
            #expect(head.headers[.contentType] == get.headers[.contentType])
            #expect(head.headers[.contentLength] == get.headers[.contentLength])
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test("a known route with another method is 405 with Allow and the JSON error body", arguments: [
        ("/v1/verify", HTTPRequest.Method.post, "GET, HEAD"), ("/healthz", .delete, "GET, HEAD"), ("/v1/shares/acme-private", .put, "GET, HEAD"),
        ("/v1/video/share", .get, "POST"), ("/v1/video/share", .head, "POST"),
    ])
    func wrongMethod(uri: String, method: HTTPRequest.Method, allow: String) async throws {
        try await withSignerRouter { client in
            let response = try await client.execute(uri: uri, method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            if method != .head { #expect(response.errorCode == "method_not_allowed") }
        }
    }

    // MARK: GET /healthz

    @Test("healthz: status, manifest version and digest, share count")
    func healthz() async throws {
        let catalog = try Fixture.catalog()
        try await withSignerRouter(catalog) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            let object = try response.object
            #expect(object["status"] as? String == "ok")
            #expect(object["manifestVersion"] as? Int == 1)
            #expect(object["manifestDigest"] as? String == catalog.digest)
            #expect(object["channel"] as? String == "PROD")
            #expect(object["shares"] as? Int == 5)
        }
    }
}

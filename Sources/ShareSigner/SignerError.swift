import Hummingbird

/// A refusal: an HTTP status, a stable machine-readable code, and a message for people.
/// Messages never repeat credentials, tokens or signatures.
struct SignerError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// Headers the answer carries besides the JSON ones (`Allow` of a 405).
    private let headers: HTTPFields

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    static let unauthorized = SignerError(
        .unauthorized, "unauthorized", "missing or wrong API credential: send Authorization: Basic base64(apiKey:apiSecret) or x-api-key: <apiSecret>")
    static let revoked = SignerError(.forbidden, "credential_revoked", "this API credential has been revoked")
    static let notFound = SignerError(.notFound, "not_found", "no such share")
    static let forbidden = SignerError(.forbidden, "forbidden", "the media token does not open this file")
    static let bodyTooLarge = SignerError(.contentTooLarge, "body_too_large", "the request body is too large")
    static let bodyTimeout = SignerError(.requestTimeout, "request_timeout", "the request body did not arrive in time")

    static let unknownRoute = SignerError(.notFound, "not_found", "no such route")

    /// A known route asked with another method; `Allow` names the ones it answers.
    static func methodNotAllowed(_ allowed: [HTTPRequest.Method]) -> SignerError {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        return SignerError(.methodNotAllowed, "method_not_allowed", "this route answers \(names)", headers: [.allow: names])
    }

    static func badRequest(_ message: String) -> SignerError { SignerError(.badRequest, "bad_request", message) }

    static func videoNotReady(_ status: String) -> SignerError {
        SignerError(.conflict, "video_not_ready", "the video is \(status), not completed: no playable URL yet")
    }

    /// A slug of the caller's project that was rotated away.
    static func rotated(to current: String?) -> SignerError {
        SignerError(.gone, "slug_rotated", current.map { "this slug was rotated; the share's current slug is \($0)" } ?? "this slug was rotated away")
    }

    /// `{"error": {"code", "message"}}`, SPEC §5's error body.
    var errorObject: String { #"{"code":\#(json(code)),"message":\#(json(message))}"# }

    var response: Response { jsonResponse(status: status, #"{"error":\#(errorObject)}"#, headers: challengeHeaders) }

    /// The shape of HeyGen's `POST /v1/video/share` with the HTTP status as `code`, plus
    /// SPEC §5's `error` object so clients of either convention find what they look for.
    var heyGenResponse: Response {
        let message = json(message)
        return jsonResponse(
            status: status, #"{"code":\#(status.code),"data":null,"msg":\#(message),"message":\#(message),"error":\#(errorObject)}"#,
            headers: challengeHeaders)
    }

    private var challengeHeaders: HTTPFields {
        status == .unauthorized ? [.wwwAuthenticate: #"Basic realm="sharegen signer", charset="UTF-8""#] : headers
    }
}

/// A JSON answer that no cache keeps: signed URLs expire, and errors depend on credentials.
func jsonResponse(status: HTTPResponse.Status = .ok, _ body: String, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = "application/json; charset=utf-8"
    fields[.cacheControl] = "no-store"
    return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

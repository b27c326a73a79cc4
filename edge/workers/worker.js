// A Cloudflare-Workers-style verifier of sharegen media tokens (standard Request,
// Response, fetch and WebCrypto; see edge/README.md). It answers 403 unless the URL's
// token opens its file, and otherwise fetches the file from MEDIA_ORIGIN with the
// token removed from the path. Bindings (environment variables):
//
//   SHAREGEN_SIGNING_KEYS  the signer's key file (JSON), as for `sharegen signer --keys`
//   SHAREGEN_REVOKED       dist/redirects/revoked.json of the deployed build (JSON array)
//   MEDIA_ORIGIN           where the files are, e.g. https://private-bucket.example.com
//   MEDIA_BASE_PATH        optional: signing.mediaBaseURL's path, e.g. /cdn
import token from "../token.js";

const LEEWAY = 30;
const encoder = new TextEncoder();
// Imported HMAC keys by id and material, so each is imported once per isolate.
const imported = new Map();

function hmacKey(id, encoded) {
  const cacheKey = id + ":" + encoded;
  if (!imported.has(cacheKey)) {
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    imported.set(cacheKey, crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));
  }
  return imported.get(cacheKey);
}

function base64url(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) { binary += String.fromCharCode(byte); }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// Why the token in `path` (a URL path, with or without query) does not open its file at
// `now`, or null when it does, and the media path it names.
export async function check(path, config) {
  const parsed = token.parse(path, { basePath: config.basePath || "", revoked: config.revoked });
  if (parsed.error) { return { reason: parsed.error }; }
  const encoded = config.keys.keys[parsed.keyId];
  if (typeof encoded !== "string") { return { reason: "unknown key" }; }
  const key = await hmacKey(parsed.keyId, encoded);
  let signed = false;
  for (const message of parsed.messages) {
    const expected = base64url(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
    if (token.constantTimeEqual(expected, parsed.signature)) { signed = true; break; }
  }
  if (!signed) { return { reason: "bad signature" }; }
  if (!token.fresh(parsed, config.now, LEEWAY)) { return { reason: "expired" }; }
  return { reason: null, mediaPath: parsed.mediaPath };
}

export default {
  async fetch(request, env) {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const url = new URL(request.url);
    const result = await check(url.pathname, {
      keys: JSON.parse(env.SHAREGEN_SIGNING_KEYS),
      revoked: JSON.parse(env.SHAREGEN_REVOKED || "[]"),
      basePath: env.MEDIA_BASE_PATH || "",
      now: Math.floor(Date.now() / 1000),
    });
    if (result.reason) {
      return new Response(JSON.stringify({ error: { code: "forbidden", message: "the media token does not open this file" } }), {
        status: 403, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
      });
    }
    const headers = new Headers(request.headers);
    headers.delete("cookie");
    headers.delete("authorization");
    return fetch(env.MEDIA_ORIGIN.replace(/\/+$/, "") + result.mediaPath + url.search, { method: request.method, headers: headers });
  },
};

// nginx njs verifier of sharegen media tokens, for `auth_request` (see edge/README.md):
//
//   js_path /etc/nginx/sharegen/;            # holds sharegen.js and token.js
//   js_import sharegen from sharegen.js;
//   js_preload_object sharegen_keys from /etc/sharegen/keys.json;            # the signer's key file
//   js_preload_object sharegen_revoked from /srv/dist/redirects/revoked.json;
//   location = /_verify { internal; js_content sharegen.verify; }
//
// Answers 204 when the original request URI's token opens its file, else 403. Keys and
// revoked slugs are read when nginx loads its configuration: `nginx -s reload` after a
// rebuild or a key rotation. The token is never logged.
import token from "token.js";
import crypto from "crypto";

// Seconds a token keeps verifying after it expires, as the signer allows.
const LEEWAY = 30;

function refusal(r) {
  /* global sharegen_keys, sharegen_revoked */
  const parsed = token.parse(r.variables.request_uri, {
    basePath: r.variables.sharegen_media_base_path || "",
    revoked: sharegen_revoked,
  });
  if (parsed.error) { return parsed.error; }
  const encoded = sharegen_keys.keys[parsed.keyId];
  if (typeof encoded !== "string") { return "unknown key"; }
  const key = Buffer.from(encoded, "base64");
  let signed = false;
  for (let i = 0; i < parsed.messages.length && !signed; i++) {
    const expected = crypto.createHmac("sha256", key).update(parsed.messages[i]).digest("base64url");
    signed = token.constantTimeEqual(expected, parsed.signature);
  }
  if (!signed) { return "bad signature"; }
  return token.fresh(parsed, Math.floor(Date.now() / 1000), LEEWAY) ? null : "expired";
}

function verify(r) {
  const reason = refusal(r);
  if (reason) { r.log("sharegen: media token refused: " + reason); }
  r.return(reason ? 403 : 204);
}

export default { verify: verify };

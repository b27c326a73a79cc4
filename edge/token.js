// The sharegen media token (SPEC §5), shared by the nginx njs verifier and the
// Workers-style verifier: parsing, path checks, and the messages a signature may cover.
// Written for njs 0.7 as well as modern runtimes: no destructuring, spread or classes.
//
//   <mediaBaseURL>/t/<expires>/<keyId>/<slug>/<signature><mediaPath>
//   signature = base64url(HMAC-SHA256(key, "<expires>:<slug>:<directory>")), unpadded
//
// <directory> is the signed media path up to its last "/"; the token opens every path
// under it, subfolders included, so a verifier tries each ancestor of the requested path.

const TOKEN = /^\/t\/([0-9]{1,12})\/([A-Za-z0-9_-]{1,64})\/([a-z0-9-]{1,64})\/([A-Za-z0-9_-]{43})(\/.*)$/;
// Deeper paths are refused rather than hashed for every ancestor.
const MAX_DEPTH = 32;

function hexValue(c) {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) { return code - 48; }
  if (code >= 97 && code <= 102) { return code - 87; }
  if (code >= 65 && code <= 70) { return code - 55; }
  return -1;
}

// False when a server that decodes %XX and resolves dot segments could serve the path
// from outside its signed folder: dot segments, encoded slashes, backslashes, NULs.
function staysInItsDirectory(mediaPath) {
  const segments = mediaPath.split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    let decoded = "";
    for (let j = 0; j < segment.length; j++) {
      const c = segment.charAt(j);
      if (c !== "%") { decoded += c; continue; }
      const high = hexValue(segment.charAt(j + 1));
      const low = hexValue(segment.charAt(j + 2));
      if (high < 0 || low < 0) { return false; }
      decoded += String.fromCharCode(high * 16 + low);
      j += 2;
    }
    if (decoded === "." || decoded === "..") { return false; }
    if (decoded.indexOf("/") >= 0 || decoded.indexOf("\\") >= 0 || decoded.indexOf("\u0000") >= 0) { return false; }
  }
  return true;
}

// The request URI's token, or {error} when it cannot open anything:
// {expires, keyId, slug, signature, mediaPath, messages}, where messages are the texts
// a valid signature covers, one per ancestor folder, deepest first.
// options: {basePath: the media base URL's path ("" or e.g. "/cdn"), revoked: [slug]}.
function parse(uri, options) {
  let path = uri.split("?")[0].split("#")[0];
  const basePath = options.basePath || "";
  if (basePath && path.indexOf(basePath + "/t/") === 0) { path = path.slice(basePath.length); }
  const match = TOKEN.exec(path);
  if (!match) { return { error: "malformed token" }; }
  const mediaPath = match[5];
  if (!staysInItsDirectory(mediaPath)) { return { error: "malformed token" }; }
  const slug = match[3];
  // A plain loop: njs's preloaded arrays have no prototype methods.
  const revoked = options.revoked || [];
  for (let i = 0; i < revoked.length; i++) {
    if (revoked[i] === slug) { return { error: "revoked slug" }; }
  }
  const messages = [];
  // mediaPath starts with "/": the last message covers the root folder.
  for (let end = mediaPath.lastIndexOf("/"); end >= 0; end = end === 0 ? -1 : mediaPath.lastIndexOf("/", end - 1)) {
    if (messages.length === MAX_DEPTH) { return { error: "path too deep" }; }
    messages.push(match[1] + ":" + slug + ":" + mediaPath.slice(0, end + 1));
  }
  return { expires: Number(match[1]), keyId: match[2], slug: slug, signature: match[4], mediaPath: mediaPath, messages: messages };
}

// Comparison whose time depends only on the lengths.
function constantTimeEqual(a, b) {
  if (a.length !== b.length) { return false; }
  let difference = 0;
  for (let i = 0; i < a.length; i++) { difference |= a.charCodeAt(i) ^ b.charCodeAt(i); }
  return difference === 0;
}

// After the signature matched: whether the token is still valid at `now` (Unix
// seconds), with `leeway` seconds for clocks that run apart.
function fresh(token, now, leeway) {
  return now <= token.expires + leeway;
}

export default { parse: parse, constantTimeEqual: constantTimeEqual, fresh: fresh, staysInItsDirectory: staysInItsDirectory };

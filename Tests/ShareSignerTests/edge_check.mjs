// Runs edge/workers/worker.js under Node (standard Request, Response, fetch and WebCrypto)
// against the cases EdgeTests.swift writes: node edge_check.mjs CASES.json
// Prints {"<case>": {"status": N, "body": "..."}}; the worker's origin is a loopback server
// that answers "origin:<path>" for whatever path it is asked.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

// Node 18 (Debian's) keeps WebCrypto off the global object; Workers and Node 20 have it there.
if (!globalThis.crypto) { globalThis.crypto = (await import("node:crypto")).webcrypto; }
const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const worker = (await import(input.worker)).default;
const origin = createServer((request, response) => { response.end("origin:" + request.url); });
await new Promise((resolve) => origin.listen(0, "127.0.0.1", resolve));
const env = {
  SHAREGEN_SIGNING_KEYS: input.keys,
  SHAREGEN_REVOKED: input.revoked,
  MEDIA_ORIGIN: "http://127.0.0.1:" + origin.address().port,
};
const results = {};
try {
  for (const testCase of input.cases) {
    const response = await worker.fetch(new Request("http://media.test" + testCase.uri), env);
    results[testCase.name] = { status: response.status, body: await response.text() };
  }
} finally {
  origin.close();
}
console.log(JSON.stringify(results));

#!/usr/bin/env python3
"""Loads built pages in headless Chromium and reports everything an injection could do.

Usage: injection_check.py ROOT PATH...
Serves ROOT on a loopback port, loads each PATH with one driver and prints one JSON
object: {"pages": {path: probe}}. Before any page script runs, a recorder replaces
alert/confirm/prompt/print, eval and string timers with functions that log
their calls, traps assignments to window.__pwned (which the payloads set), and logs
every `securitypolicyviolation`. (Function is left alone: chromedriver needs it.) After the load, the probe also lists what the DOM
holds that the templates never write: event-handler attributes, script-like URL
schemes, unknown elements and extra scripts, plus the texts and attribute values the
test compares with the payloads. Every host but 127.0.0.1 fails to resolve, so media
and CTA hosts cost nothing.
"""
import functools
import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "EndToEndTests"))
from browser_check import start_chromium  # noqa: E402

RECORDER = r"""
(function () {
  var hits = [];
  Object.defineProperty(window, '__sharegenHits', { value: hits });
  function record(kind, detail) { hits.push(kind + ': ' + String(detail).slice(0, 300)); }
  ['alert', 'confirm', 'prompt', 'print'].forEach(function (name) {
    window[name] = function (message) { record(name, message); };
  });
  window.eval = function (code) { record('eval', code); };
  var setTimer = window.setTimeout;
  window.setTimeout = function (callback) {
    if (typeof callback === 'string') { record('setTimeout', callback); return 0; }
    return setTimer.apply(window, arguments);
  };
  Object.defineProperty(window, '__pwned', { get: function () {}, set: function (v) { record('__pwned', v); } });
  document.addEventListener('securitypolicyviolation', function (e) {
    record('csp', e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
  });
})();
"""

PROBE = r"""
var allowed = new Set(['html', 'head', 'meta', 'title', 'link', 'script', 'body', 'main', 'header', 'footer', 'nav', 'span', 'section',
  'div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'video', 'source', 'track', 'iframe', 'a', 'em', 'strong',
  'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'hr', 'img', 'br']);
var linkKinds = new Set(['canonical', 'stylesheet', 'alternate', 'icon']);
var urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'poster', 'xlink:href', 'background', 'srcdoc'];
var out = { hits: window.__sharegenHits.slice(), url: location.href, elements: [], handlers: [], schemes: [],
  scripts: [], meta: {}, csp: [], text: {}, media: { sources: [], tracks: [], iframes: [] } };
document.querySelectorAll('*').forEach(function (element) {
  var tag = element.localName;
  if (!allowed.has(tag)) { out.elements.push(tag); }
  if (tag === 'link' && !linkKinds.has(element.getAttribute('rel'))) { out.elements.push('link rel=' + element.getAttribute('rel')); }
  if (tag === 'iframe' && !element.parentElement.classList.contains('player')) { out.elements.push('iframe outside the player'); }
  Array.prototype.forEach.call(element.attributes, function (attribute) {
    var name = attribute.name.toLowerCase();
    if (name.indexOf('on') === 0) { out.handlers.push(tag + ' ' + name); }
    if (urlAttributes.indexOf(name) >= 0) {
      var squeezed = attribute.value.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
      if (/^(javascript|data|vbscript):/.test(squeezed)) { out.schemes.push(tag + ' ' + name + '=' + attribute.value); }
    }
  });
});
Array.prototype.forEach.call(document.scripts, function (script) {
  out.scripts.push((script.getAttribute('type') || '') + ' ' + (script.getAttribute('src') ? 'src' : 'inline'));
});
document.querySelectorAll('meta').forEach(function (meta) {
  var key = meta.getAttribute('property') || meta.getAttribute('name');
  if (key) { out.meta[key] = meta.getAttribute('content'); }
  var equiv = meta.getAttribute('http-equiv');
  if (equiv) { out.csp.push(equiv + ': ' + meta.getAttribute('content')); }
});
function text(selector) { var node = document.querySelector(selector); return node ? node.textContent : null; }
function attribute(selector, name) { var node = document.querySelector(selector); return node ? node.getAttribute(name) : null; }
function parsed(selector) {
  try { return JSON.parse(text(selector)); } catch (error) { return { error: String(error) }; }
}
var ld = parsed('script[type="application/ld+json"]');
var personalization = parsed('#personalization');
out.text = {
  title: text('title'), h1: text('h1'), subtitle: text('.subtitle'), site: text('.brand-name'),
  cta: text('.cta a'), ctaHref: attribute('.cta a', 'href'), metadata: text('#metadata-value'),
  lang: document.documentElement.getAttribute('lang'), dir: document.documentElement.getAttribute('dir'),
  ldName: typeof ld.name === 'string' ? ld.name : JSON.stringify(ld),
  personalization: personalization && !personalization.error
    ? Object.keys(personalization).map(function (key) { return [key, String(personalization[key])]; })
    : [[JSON.stringify(personalization), '']],
  description: text('.description'),
  home: attribute('a.brand', 'href'), linkLabel: text('.brand-footer li a'), linkHref: attribute('.brand-footer li a', 'href')
};
document.querySelectorAll('video source').forEach(function (source) { out.media.sources.push(source.getAttribute('src')); });
// The caption tracks share.js adds (their files, on hosts that do not exist here, never load).
var tracks = parsed('#caption-tracks');
(Array.isArray(tracks) ? tracks : [{label: JSON.stringify(tracks), src: ''}]).forEach(function (track) {
  out.media.tracks.push([track.label, track.src]);
});
document.querySelectorAll('iframe').forEach(function (frame) { out.media.iframes.push(frame.getAttribute('src')); });
out.media.poster = attribute('video', 'poster');
return out;
"""


def serve(root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    root, paths = sys.argv[1], sys.argv[2:]
    server = serve(root)
    base = "http://127.0.0.1:%d" % server.server_address[1]
    driver = start_chromium(RECORDER, ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
    results = {}
    try:
        for path in paths:
            driver.get(base + path)
            results[path] = driver.execute_script(PROBE)
            results[path]["url"] = results[path]["url"][len(base):]
    finally:
        driver.quit()
        server.shutdown()
    print(json.dumps({"pages": results}))


if __name__ == "__main__":
    main()

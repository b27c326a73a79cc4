#!/usr/bin/env python3
"""Opens one page of a running `sharegen serve` in headless Chromium and waits for it to
reload itself with a new title after the calling test edits the share on disk.

Usage: live_reload_check.py BASE_URL PATH OLD_TITLE NEW_TITLE TIMEOUT_SECONDS
Prints "ready" once the page shows OLD_TITLE (the caller then edits the file), then one
JSON object: {"title", "navigation", "errors", "violations"}. The harness navigates once;
"navigation" is the page's own navigation type at the end: "reload" when the preview's script
reloaded it. Errors are SEVERE console entries, ignoring the browser's /favicon.ico
request (the preview answers it 404, as production would).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "EndToEndTests"))
# The same browser and CSP-violation recorder as the end-to-end page check; the recorder
# runs before any page script on every load, so the reloaded page records its own.
from browser_check import RECORDER, start_chromium  # noqa: E402


# Keeps each EventSource the page opens, so that the check can wait for the reloaded page's
# stream to be open rather than for a fixed time.
STREAMS = """
(function () {
  var Native = window.EventSource;
  window.__sharegenStreams = [];
  window.EventSource = function (url, options) {
    var source = new Native(url, options);
    window.__sharegenStreams.push(source);
    return source;
  };
  window.EventSource.prototype = Native.prototype;
  Object.setPrototypeOf(window.EventSource, Native);  // CONNECTING, OPEN and CLOSED
})();
"""


def stream_open(driver):
    try:
        return driver.execute_script("return (window.__sharegenStreams || []).some(function (s) { return s.readyState === 1; })")
    except Exception:  # the page is between two loads
        return False


def heading(driver):
    try:
        return driver.execute_script("var h = document.querySelector('h1'); return h ? h.textContent : null")
    except Exception:  # the page is between two loads
        return None


def wait_for(driver, title, deadline):
    while time.monotonic() < deadline:
        if heading(driver) == title:
            return True
        time.sleep(0.1)
    return False


def main():
    base, path, old, new, timeout = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
    driver = start_chromium(RECORDER)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STREAMS})
    driver.set_page_load_timeout(timeout)
    violations = []
    errors = []
    try:
        driver.get(base + path)
        deadline = time.monotonic() + timeout
        if not wait_for(driver, old, deadline):
            sys.exit("the page never showed %r (it shows %r)" % (old, heading(driver)))
        print("ready", flush=True)
        wait_for(driver, new, deadline)
        # The reloaded page's console is collected once it has opened its event stream.
        while time.monotonic() < deadline and not stream_open(driver):
            time.sleep(0.05)
        if not stream_open(driver):
            sys.exit("the reloaded page never opened its event stream")
        violations = driver.execute_script("return window.__sharegenViolations || []")
        for entry in driver.get_log("browser"):
            message = entry.get("message", "")
            if entry.get("level") == "SEVERE":
                errors.append(message)
        navigation = driver.execute_script("return performance.getEntriesByType('navigation')[0].type")
        report = {"title": heading(driver), "navigation": navigation, "errors": errors, "violations": violations}
    finally:
        driver.quit()
    print(json.dumps(report))


if __name__ == "__main__":
    main()

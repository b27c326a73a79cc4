#!/usr/bin/env python3
"""Loads pages in headless Chromium at 1280x800 and 390x844 and reports console errors,
CSP violations and axe-core accessibility violations, with a screenshot of each.

Usage: browser_check.py BASE_URL SCREENSHOT_DIR PATH...
Prints one JSON object:
{"pages": {path: {"errors": [...], "violations": [...], "accessibility": [...], "axe": version, "title": ...}}}.
Ignored, because they are not the page's doing: network failures for hosts other
than BASE_URL (tests run without internet, so third-party media cannot load) and the
status of the document itself (stubs answer 404 or 410 on purpose). Everything the
page itself does counts, a request for /favicon.ico included (pages declare their icon).
"""
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

RECORDER = """
window.__sharegenViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__sharegenViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def start_chromium(recorder, extra_arguments=()):
    """Headless Chromium through chromedriver, running `recorder` before any page script.
    Also used by Tests/HardeningTests/injection_check.py."""
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--mute-audio") + tuple(extra_arguments):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    binary = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)
    if binary:
        options.binary_location = binary
    driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
    driver = webdriver.Chrome(service=Service(driver_path) if driver_path else None, options=options)
    driver.set_page_load_timeout(20)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": recorder})
    return driver


def axe_source():
    """axe-core 4 as PyPI's axe-playwright-python ships it (.ci/run installs it)."""
    import axe_playwright_python
    with open(os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js"), encoding="utf-8") as handle:
        return handle.read()


AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(function (results) {
  done({version: axe.version, violations: results.violations.map(function (v) {
    return v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.map(function (n) { return n.target.join(" "); }).join(", ");
  })});
}, function (error) { done({version: null, violations: ["axe failed: " + error]}); });
"""

# The two viewports every page is looked at in: a laptop and a phone.
SIZES = ((1280, 800), (390, 844))


def resize(driver, width, height):
    """Sets the viewport (not the window) to width x height."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])


def main():
    base, shots, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    axe = axe_source()
    driver = start_chromium(RECORDER)
    driver.set_script_timeout(30)
    results = {}
    try:
        for width, height in SIZES:
            resize(driver, width, height)
            for index, path in enumerate(paths):
                driver.get(base + path)
                driver.execute_script("return document.readyState")
                violations = driver.execute_script("return window.__sharegenViolations || []")
                errors = []
                document = (base + path).split("#")[0]
                for entry in driver.get_log("browser"):
                    message = entry.get("message", "")
                    if entry.get("level") != "SEVERE":
                        continue
                    if message.startswith(document + " - Failed to load resource: the server responded with a status of 4"):
                        continue
                    if "Failed to load resource" in message or "net::ERR_" in message:
                        if message.startswith(base) or (" " + base) in message:
                            errors.append(message)
                        continue
                    errors.append(message)
                page = results.setdefault(path, {"errors": [], "violations": [], "accessibility": [], "title": driver.title})
                page["errors"] += errors
                page["violations"] += violations
                if width == SIZES[0][0]:
                    driver.execute_script(axe)
                    report = driver.execute_async_script(AXE_RUN)
                    page["accessibility"] = report["violations"]
                    page["axe"] = report["version"]
                driver.save_screenshot(os.path.join(shots, "page-%02d-%dx%d.png" % (index, width, height)))
    finally:
        driver.quit()
    print(json.dumps({"pages": results}))


if __name__ == "__main__":
    main()

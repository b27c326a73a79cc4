#!/usr/bin/env python3
"""Loads pages in headless Chromium and reports console errors and CSP violations.

Usage: browser_check.py BASE_URL SCREENSHOT_DIR PATH...
Prints one JSON object: {"pages": {path: {"errors": [...], "violations": [...]}}}.
Ignored, because they are not the page's doing: network failures for hosts other
than BASE_URL (tests run without internet, so third-party media cannot load), the
status of the document itself (stubs answer 404 or 410 on purpose), and the
browser's own /favicon.ico request. Everything the page itself does counts.
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


def main():
    base, shots, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    driver = start_chromium(RECORDER)
    results = {}
    try:
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
                if message.startswith(base + "/favicon.ico "):
                    continue
                if "Failed to load resource" in message or "net::ERR_" in message:
                    if message.startswith(base) or (" " + base) in message:
                        errors.append(message)
                    continue
                errors.append(message)
            results[path] = {"errors": errors, "violations": violations, "title": driver.title}
            driver.save_screenshot(os.path.join(shots, "page-%02d.png" % index))
    finally:
        driver.quit()
    print(json.dumps({"pages": results}))


if __name__ == "__main__":
    main()

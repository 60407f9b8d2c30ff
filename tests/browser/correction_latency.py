#!/usr/bin/python3
"""Corrections timed in Debian's headless Chromium (run by `cargo bench --bench serve -- browser`):

    correction_latency.py ADDRESS DEPARTMENT-ID CORRECTED.xlsx...

Opens the tokened ADDRESS, shows the department, then for each corrected workbook: uploads it,
clicks 替换 and takes, in the page, the time from the click until the preview has loaded the page
the correction changed (the server's first changed page). Waits for each build to end before the
next correction, as a person reads the page before correcting again. Prints each round and the
median and spread; fails if a round does not show its page within 30 s.
"""

import os
import statistics
import sys

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from browser import PREVIEW_LOADED, chrome

# Installed before the click: the time from the click until the preview loads page `changed`
# of a new version (another src than the one shown), in ms.
ARM = """
const [changed] = arguments;
const img = document.getElementById('page');
const before = img.getAttribute('src');
window.__shown = null;
window.__page = null;
const t0 = performance.now();
img.addEventListener('load', function seen() {
  const m = /\\/pages\\/(\\d+)/.exec(img.src);
  if (img.getAttribute('src') !== before && m && (changed === null || +m[1] === changed)) {
    window.__shown = performance.now() - t0;
    window.__page = +m[1];
    img.removeEventListener('load', seen);
  }
});
const yes = [...document.querySelectorAll('#confirms .confirm button')].find((b) => b.textContent === '替换');
yes.click();
"""


def main():
    address, department, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    driver = chrome()
    times = []
    try:
        wait = WebDriverWait(driver, 30, ignored_exceptions=[StaleElementReferenceException])
        driver.get(address)
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "部门预算绩效文本"))
        view = wait.until(lambda d: d.find_element(
            By.CSS_SELECTOR, '#departments tr[data-id="%s"] button' % department))
        view.click()
        wait.until(lambda d: d.execute_script(PREVIEW_LOADED))
        changed = None
        for n, path in enumerate(files):
            driver.find_element(By.ID, "files").send_keys(os.path.realpath(path))
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#confirms .confirm button"))
            driver.execute_script(ARM, changed)
            wait.until(lambda d: d.execute_script("return window.__shown"))
            shown, page = driver.execute_script("return [window.__shown, window.__page]")
            times.append(shown)
            print("round %d: page %d shown %.0f ms after 替换" % (n + 1, page, shown))
            # The build ends (the row is 通过 again) before the next correction.
            wait.until(lambda d: d.find_element(
                By.CSS_SELECTOR, '#departments tr[data-id="%s"]' % department
            ).get_attribute("data-status") in ("passed", "warning"))
            first = driver.execute_script(
                "return fetch('/api/departments/%s').then((r) => r.json()).then((d) => d.first_changed)" % department)
            assert first and first > 1, "the correction changes a page after the cover: %r" % first
            assert page == first, "the preview showed page %d, the correction changed page %d" % (page, first)
            changed = first
    finally:
        driver.quit()
    print("correction → changed page shown in Chromium, %d rounds: median %.0f ms, min %.0f, max %.0f"
          % (len(times), statistics.median(times), min(times), max(times)))

if __name__ == "__main__":
    main()

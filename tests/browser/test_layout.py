#!/usr/bin/python3
"""The page's layout in Debian's headless Chromium (run by tests/it/browser.rs):

    test_layout.py JIXIAO SCREENSHOTS WORKDIR...

For each working folder (one with a single department, one with 201, names long and short,
Chinese and Latin without break points, one workbook of junk rows), starts `jixiao serve WORKDIR --no-open` and, at
1366×768 and 800×900: nothing is wider than the window, `hidden` elements take no space, every
查看 of the list can be clicked where it is (no other element over it), and after 查看 on the last
row the details are in view; the junk workbook lists its first findings and 另有 N 处. Saves a
screenshot per folder and width into SCREENSHOTS.
"""

import os
import sys
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from browser import chrome, serve

WIDTHS = [(1366, 768), (800, 900)]

# Every 查看 of the list: scrolled to, then the element at its centre must be the button itself.
COVERED = """
const out = [];
for (const b of document.querySelectorAll('#departments tbody button')) {
  b.scrollIntoView({ block: 'center' });
  const r = b.getBoundingClientRect();
  const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (r.width === 0 || r.height === 0 || !(at === b || b.contains(at))) {
    out.push(b.getAttribute('aria-label') + ' covered by ' + (at ? at.outerHTML.slice(0, 80) : 'nothing'));
  }
}
return out;
"""


def check(driver, wait, count, shots, label):
    for width, height in WIDTHS:
        driver.set_window_size(width, height)
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.2)
        rows = driver.find_elements(By.CSS_SELECTOR, "#departments tbody tr")
        assert len(rows) == count, "%s: %d rows, expected %d" % (label, len(rows), count)
        wide = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], "%s at %d px: the page is %d px wide" % (label, width, wide[0])
        # Hidden means hidden: the summary link before 全部生成, the empty-list note.
        for hidden in ["summary-workbook", "none-match", "withdrawn"]:
            shown = driver.execute_script(
                "const e = document.getElementById(arguments[0]); return e.hidden && e.getBoundingClientRect().height > 0;",
                hidden)
            assert not shown, "%s at %d px: #%s is hidden but takes space" % (label, width, hidden)
        covered = driver.execute_script(COVERED)
        assert not covered, "%s at %d px: %s" % (label, width, covered[:5])
        # 查看 on the last row: the details come into view.
        last = driver.find_elements(By.CSS_SELECTOR, "#departments tbody tr")[-1]
        name = last.find_elements(By.TAG_NAME, "td")[0].text
        last.find_element(By.TAG_NAME, "button").click()
        wait.until(lambda d: name[:6] in d.find_element(By.ID, "detail-title").text)
        time.sleep(0.3)
        box = driver.execute_script(
            "const r = document.getElementById('detail-title').getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];")
        assert 0 <= box[0] and box[1] <= box[2], \
            "%s at %d px: the details of the last row are out of view %r" % (label, width, box)
        driver.save_screenshot(os.path.join(shots, "%s-%d.png" % (label, width)))


def junk(driver, wait):
    """A department with tens of thousands of findings: its list shows the first ones of the
    sheet and counts the rest, and the page stays whole."""
    rows = driver.find_elements(By.CSS_SELECTOR, '#departments tr[data-status="error"]')
    for row in rows:
        row.find_element(By.TAG_NAME, "button").click()
        more = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#findings .more"))
        assert "另有" in more[0].text, more[0].text
        count = len(driver.find_elements(By.CSS_SELECTOR, "#findings .finding"))
        assert 100 <= count <= 1000, "%d findings listed" % count
        # No script error (a list of tens of thousands once overflowed the call stack).
        errors = [e for e in driver.get_log("browser") if e.get("source") == "javascript"]
        assert not errors, errors


def main():
    jixiao, shots, workdirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    driver = chrome()
    servers = []
    try:
        wait = WebDriverWait(driver, 120, ignored_exceptions=[StaleElementReferenceException])
        for workdir in workdirs:
            count = len([f for f in os.listdir(os.path.join(workdir, "input")) if f.endswith(".xlsx")])
            server, address, _ = serve(jixiao, workdir)
            servers.append(server)
            driver.get(address)
            wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "部门预算绩效文本"))
            # Every workbook checked (none 检查中 left), so the list no longer changes under us.
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#departments tbody tr")) == count
                       and not d.find_elements(By.CSS_SELECTOR, '#departments tr[data-status="checking"]'))
            check(driver, wait, count, shots, "%d" % count)
            junk(driver, wait)
            server.terminate()
            server.wait(timeout=60)
    finally:
        driver.quit()
        for server in servers:
            if server.poll() is None:
                server.kill()
                server.wait()
    print("layout test: 1 passed, 0 failed")


if __name__ == "__main__":
    main()

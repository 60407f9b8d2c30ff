#!/usr/bin/python3
"""Real-browser test of `jixiao serve`, driven by Debian's chromium through chromedriver and
python3-selenium. Run by tests/it/browser.rs (which builds the workbooks and the binary):

    test_serve.py JIXIAO REFERENCE.xlsx DEFECTIVE.xlsx DEFECTIVE-REFERENCE.xlsx CORRECTED.xlsx WORKDIR SCREENSHOT.png

Starts `jixiao serve WORKDIR --no-open`, opens the tokened address it prints, uploads the
reference workbook and a defective one, waits for 通过 and for the defective one's finding at its
cell, downloads the PDF, saves a screenshot; asks to replace the reference with a defective copy
(the question survives a reload), re-uploads an identical file; then ends the server with the
page's 退出 button while a second tab watches. In between, a correction of the reference opens the
preview at the page it changed.
"""

import os
import re
import sys
import tempfile
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from browser import PREVIEW_LOADED, chrome, serve

REFERENCE = "唐山高新区行政服务中心"
DEFECTIVE = "测试缺陷部门"


def main():
    jixiao, reference, defective, defective_reference, corrected, workdir, screenshot = sys.argv[1:8]
    server, address, lines = serve(jixiao, workdir)
    downloads = tempfile.mkdtemp(prefix="jixiao-downloads-")
    driver = chrome(downloads)
    try:
        # The list is re-rendered as builds progress: an element found a moment ago may be gone.
        wait = WebDriverWait(
            driver, 120, ignored_exceptions=[StaleElementReferenceException]
        )
        driver.get(address)
        # The token page moves on to "/" with the cookie set.
        wait.until(lambda d: d.current_url.rstrip("/").endswith(address.split("/?")[0].rstrip("/"))
                   and "token" not in d.current_url)
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "部门预算绩效文本"))

        # The file button reads in Chinese whatever the browser's language.
        assert driver.find_element(By.CSS_SELECTOR, "label[for=files]").text == "选择工作簿…"
        files = driver.find_element(By.ID, "files")
        files.send_keys(os.path.realpath(reference) + "\n" + os.path.realpath(defective))

        def status(department):
            for row in driver.find_elements(By.CSS_SELECTOR, "#departments tbody tr"):
                cells = row.find_elements(By.TAG_NAME, "td")
                if cells and cells[0].text == department:
                    return cells[2].text
            return None

        wait.until(lambda d: status(REFERENCE) == "通过")
        wait.until(lambda d: status(DEFECTIVE) == "有错误")
        # The defective department's findings show, with the cell.
        if "测试缺陷部门" not in driver.find_element(By.ID, "detail-title").text:
            wait.until(lambda d: click_row(d, DEFECTIVE))
        wait.until(lambda d: DEFECTIVE in d.find_element(By.ID, "detail-title").text)

        def error_finding(d):
            finding = d.find_element(By.CSS_SELECTOR, "#findings .finding[data-severity=error]")
            cell = finding.find_element(By.CLASS_NAME, "cell")
            return (cell.text, finding.text) if cell.is_displayed() else False

        cell, finding = wait.until(error_finding)
        assert cell == "D2", cell
        assert "预算数" in finding, finding
        sheet = driver.find_element(By.CSS_SELECTOR, "#findings h3").text
        assert "项目" in sheet, sheet
        driver.save_screenshot(screenshot)

        # The reference department: a page preview, then the PDF downloaded.
        wait.until(lambda d: click_row(d, REFERENCE))
        wait.until(lambda d: REFERENCE in d.find_element(By.ID, "detail-title").text)
        wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('page'); return i.complete && i.naturalWidth > 0;"))
        wait.until(ec.element_to_be_clickable((By.ID, "pdf-download"))).click()
        pdf = None
        for _ in range(600):
            done = [f for f in os.listdir(downloads) if f.endswith(".pdf")]
            if done:
                pdf = os.path.join(downloads, done[0])
                break
            time.sleep(0.1)
        assert pdf, "no PDF downloaded: " + repr(os.listdir(downloads))
        with open(pdf, "rb") as f:
            assert f.read(5) == b"%PDF-", "not a PDF"
        assert REFERENCE in os.path.basename(pdf), pdf

        honest_state(driver, wait, reference, defective_reference)
        correction(driver, wait, corrected)

        # A second tab on the same server: it learns that the page has ended when the first quits.
        first = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.get(address.split("/?")[0] + "/")
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "部门预算绩效文本"))
        second = driver.current_window_handle
        driver.switch_to.window(first)

        # 退出 ends the server.
        driver.find_element(By.ID, "quit").click()
        wait.until(ec.alert_is_present())
        driver.switch_to.alert.accept()
        server.wait(timeout=60)
        assert server.returncode == 0, server.returncode
        driver.switch_to.window(second)
        wait.until(lambda d: "页面已结束" in d.find_element(By.ID, "message").text)
        assert not d_enabled(driver, "build-all"), "the ended page's buttons are disabled"
        assert "fetch" not in driver.find_element(By.TAG_NAME, "body").text.lower()
    finally:
        driver.quit()
        if server.poll() is None:
            server.kill()
            server.wait()
    output = "".join(lines)
    token = address.split("token=")[1]
    assert output.count(token) == 1, "the token is printed once, with the address: " + output
    print("browser test: 1 passed, 0 failed")


def honest_state(driver, wait, reference, defective_reference):
    """What the page says is true after a reload: the replace question says what the new workbook
    will do and survives the reload; an identical re-upload is recognised; a per-file message is
    not overwritten by the batch summary."""
    upload(driver, defective_reference)
    box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#confirms .confirm"))
    assert "新工作簿有 1 个错误，不会生成 PDF" in box.text, box.text
    driver.refresh()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "部门预算绩效文本"))
    box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#confirms .confirm"))
    assert "新工作簿有 1 个错误，不会生成 PDF" in box.text, "the question survives a reload: " + box.text
    no = [b for b in box.find_elements(By.TAG_NAME, "button") if b.text == "不替换"][0]
    no.click()
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#confirms .confirm"))
    wait.until(lambda d: "未替换" in d.find_element(By.ID, "message").text)
    driver.refresh()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "部门预算绩效文本"))
    time.sleep(0.5)
    assert not driver.find_elements(By.CSS_SELECTOR, "#confirms .confirm"), "an answered question stays answered"

    upload(driver, reference)
    wait.until(lambda d: "相同，未作改动" in d.find_element(By.ID, "message").text)

    # A batch's summary goes to its own line; the upload's message stays.
    driver.find_element(By.ID, "build-all").click()
    wait.until(lambda d: d.find_element(By.ID, "batch").text.strip() != ""
               and "已开始" not in d.find_element(By.ID, "batch").text)
    assert "相同，未作改动" in driver.find_element(By.ID, "message").text


def correction(driver, wait, corrected):
    """A correction of the reference department, looked at: after 替换 the preview shows the page
    the correction changed (not the cover), and the change line links to it."""
    wait.until(lambda d: click_row(d, REFERENCE))
    wait.until(lambda d: d.execute_script(PREVIEW_LOADED))
    upload(driver, corrected)
    box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#confirms .confirm"))
    [b for b in box.find_elements(By.TAG_NAME, "button") if b.text == "替换"][0].click()
    # Read inside the wait: the change list may be drawn again between finding a link and
    # reading it (the stale element is retried).
    page_link = wait.until(lambda d: re.search(
        r"第 (\d+) 页", d.find_element(By.CSS_SELECTOR, "#changes .page-link").text))
    changed = int(page_link.group(1))
    assert changed > 1, "a correction of 总体绩效目标 does not change the cover"
    wait.until(lambda d: re.search(r"/pages/%d\?" % changed, d.find_element(By.ID, "page").get_attribute("src")))
    wait.until(lambda d: d.execute_script("const i = document.getElementById('page'); return i.complete && i.naturalWidth > 0;"))
    assert "新增的一段总体目标" in driver.find_element(By.ID, "changes").text


def upload(driver, path):
    files = driver.find_element(By.ID, "files")
    files.send_keys(os.path.realpath(path))


def d_enabled(driver, id):
    return driver.find_element(By.ID, id).is_enabled()


def click_row(driver, department):
    row_button(driver, department).click()
    return True


def row_button(driver, department):
    for row in driver.find_elements(By.CSS_SELECTOR, "#departments tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if cells and cells[0].text == department:
            return row.find_element(By.TAG_NAME, "button")
    raise AssertionError("no row for " + department)


if __name__ == "__main__":
    main()

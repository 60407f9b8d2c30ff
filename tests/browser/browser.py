"""What the browser scripts share: Debian's headless Chromium, and `jixiao serve` started on a
working folder with its tokened address read from what it prints."""

import re
import subprocess
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

# The preview shows a loaded page image.
PREVIEW_LOADED = ("const i = document.getElementById('page'); "
                  "return !document.getElementById('preview').hidden && i.complete && i.naturalWidth > 0;")


def chrome(downloads=None):
    """Headless Chromium at 1366×768, in Chinese; downloads into `downloads` when given."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,768",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--lang=zh-CN"]:
        options.add_argument(flag)
    if downloads:
        options.add_experimental_option("prefs", {
            "download.default_directory": downloads,
            "download.prompt_for_download": False,
        })
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    if downloads:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


def serve(jixiao, workdir):
    """Starts `jixiao serve WORKDIR --no-open`: the process, its tokened address, and the list of
    lines it printed (kept being read, so that it never blocks on a full pipe)."""
    server = subprocess.Popen([jixiao, "serve", workdir, "--no-open"], stderr=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, text=True)
    lines, address = [], None
    deadline = time.time() + 120
    while address is None and time.time() < deadline:
        line = server.stderr.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+", line)
        if found:
            address = found.group(0)
    assert address, "no address printed: " + "".join(lines)
    threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True).start()
    return server, address, lines

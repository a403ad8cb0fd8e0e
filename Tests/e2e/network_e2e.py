#!/usr/bin/env python3
"""End-to-end (measure 4a 共管协议): the county signs a co-management agreement with the inflow organization and
uploads the signed scan; the inflow account confirms it; the coverage rate on the county's statistics page rises by
the members the agreement covers.

Usage: network_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import os, re, sys, tempfile

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import call, chrome, shows, staff_sign_in, start_demo, submit  # noqa: E402  (the server and browser helpers)

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)


def shot(d, name, width):
    d.set_window_size(width, 900)
    h = d.execute_script("return document.body.scrollHeight")
    d.set_window_size(width, max(900, min(h, 4000)))
    d.save_screenshot(os.path.join(ARTIFACTS, name))
    d.set_window_size(width, 900)


def covered(d, base):
    d.get(f"{base}/stats/150422")
    return int(d.find_element(By.ID, "coverage-covered").text), d.find_element(By.ID, "coverage-rate").text


def main():
    base, stop = start_demo(BINARY, members="6000", seed="5")
    d = None
    scan = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
    scan.write(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    scan.close()
    try:
        d = chrome()
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        # 1. The county's coverage before; the demo county has no agreement with 望京 yet.
        staff_sign_in(d, wait, base, "county")
        before, rate_before = covered(d, base)
        shot(d, "network-1-stats-before.png", 1280)
        # 2. It signs with 望京街道党工委 (X110105) from the form: every member of the county reporting there.
        d.get(f"{base}/agreements/new?inflow=X110105")
        Select(d.find_element(By.NAME, "outflowOrgCode")).select_by_value("150422")
        d.find_element(By.NAME, "number").send_keys("巴林左旗-望京-2026-01")
        d.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda x: re.search(r"/agreements/[0-9A-F-]{36}$", x.current_url))
        url = d.current_url
        text = d.find_element(By.TAG_NAME, "body").text
        assert "生效" in text, text[:400]
        n = int(d.find_element(By.ID, "agreement-members").text)
        assert n > 0 and f"目前 {n} 人" in text, "the agreement covers nobody in the demo"
        # Members already counted as covered (a mobile organization they take part in, another agreement) are
        # named apart: the rate rises by the others only.
        elsewhere = d.find_elements(By.ID, "agreement-elsewhere")
        already = int(elsewhere[0].text) if elsewhere else 0
        adds = int(d.find_element(By.ID, "agreement-adds").text) if elsewhere else n
        assert adds == n - already, text[:400]
        # 3. Uploads the signed scan (judged by its bytes); its SHA-256 is shown.
        d.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(scan.name)
        submit(d, wait, d.find_element(By.CSS_SELECTOR, "form[action$='/scan'] button"))
        wait.until(shows("SHA-256"))
        shot(d, "network-2-agreement.png", 1280)
        # 4. The inflow account confirms it.
        staff_sign_in(d, wait, base, "inflow")
        d.get(url)
        submit(d, wait, d.find_element(By.ID, "confirm"))
        wait.until(shows("对方已于"))
        shot(d, "network-3-confirmed-375.png", 375)
        # 5. The county's coverage rose by exactly the members the agreement adds.
        staff_sign_in(d, wait, base, "county")
        after, rate_after = covered(d, base)
        shot(d, "network-4-stats-after.png", 1280)
        assert after == before + adds, f"coverage {before} → {after}, the agreement covers {n} ({already} already)"
        token = call(base, "/api/v1/session", {"username": "county", "password": "liudong-demo"})["token"]
        api = call(base, "/api/v1/coverage?org=150422", token=token)
        assert api["covered"] == after and 0 <= api["rate"] <= 1, api
        print(f"network e2e ok: coverage {before} ({rate_before}) → {after} ({rate_after}), "
              f"agreement covers {n}, {already} of them already covered")
    finally:
        if d:
            d.save_screenshot(os.path.join(ARTIFACTS, "network-last.png"))
            d.quit()
        os.unlink(scan.name)
        stop()


if __name__ == "__main__":
    main()

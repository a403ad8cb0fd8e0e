#!/usr/bin/env python3
"""End-to-end: every demo account's home page opens with its worklist (待办), at 1280 and at 375 px, and agrees
with GET /api/v1/worklist; at 375 px the bar's menus (四项举措, 五项机制 …) open by touch and by the keyboard, and a
menu's overdue count is the sum of its items' on the worklist.

Usage: worklist_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import os, sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import call, chrome, start_demo  # noqa: E402  (the server and browser helpers)

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)
# The demo accounts, and whether their demo worklist must hold something: reports to review in every branch, and
# arrivals waiting at the inflow organization (the demo puts them there).
ACCOUNTS = [("secretary", True), ("committee", True), ("county", True), ("city", True), ("inflow", True)]


def shot(d, width, name):
    d.set_window_size(width, 900)
    h = d.execute_script("return document.body.scrollHeight")
    d.set_window_size(width, max(900, min(h, 4000)))
    d.save_screenshot(os.path.join(ARTIFACTS, name))


def page_items(d):
    """The worklist as the page shows it: kind, count, overdue."""
    items = []
    for li in d.find_elements(By.CSS_SELECTOR, "#worklist ul.work li"):
        count = int(li.find_element(By.CSS_SELECTOR, ".count").text)
        late = li.find_elements(By.CSS_SELECTOR, ".overdue")
        overdue = int(late[0].text.replace("逾期", "").strip()) if late else 0
        href = li.find_element(By.TAG_NAME, "a").get_attribute("href")
        items.append((li.get_attribute("data-kind"), count, overdue, href))
    return items


def menus(d, username):
    """At 375 px (after the home page counted the worklist): the bar has at most eight entries; each menu opens by a
    tap on its name and, closed again, by Enter on it; its links are then visible; its count is its items' sum."""
    d.set_window_size(375, 812)
    d.get(d.current_url)
    top = d.find_elements(By.CSS_SELECTOR, "nav.nav > a, nav.nav > details")
    assert 1 < len(top) <= 8, f"{username}: {len(top)} entries in the bar"
    for m in d.find_elements(By.CSS_SELECTOR, "nav.nav > details.menu"):
        summary = m.find_element(By.TAG_NAME, "summary")
        summary.click()
        assert m.get_attribute("open") is not None, f"{username}: {summary.text} does not open on a tap"
        links = m.find_elements(By.CSS_SELECTOR, ".menu-items a")
        assert links and all(a.is_displayed() for a in links), f"{username}: {summary.text}'s links are hidden"
        late = sum(int(c.text) for c in m.find_elements(By.CSS_SELECTOR, ".menu-items .count.late"))
        shown = m.find_elements(By.CSS_SELECTOR, "summary .count.late")
        assert (int(shown[0].text) if shown else 0) == late, f"{username}: {summary.text} shows {shown} for {late}"
        summary.click()
        assert m.get_attribute("open") is None
        d.execute_script("arguments[0].focus()", summary)
        summary.send_keys(Keys.ENTER)
        assert m.get_attribute("open") is not None, f"{username}: {summary.text} does not open by the keyboard"
        summary.send_keys(Keys.ENTER)
    overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{username}: the bar scrolls sideways at 375 px ({overflow} px)"


def main():
    base, stop = start_demo(BINARY, after=[["sweep"]])
    d = None
    try:
        d = chrome()
        wait = WebDriverWait(d, 10)
        summary = []
        for username, must_have_work in ACCOUNTS:
            token = call(base, "/api/v1/session", {"username": username, "password": "liudong-demo"})["token"]
            api = call(base, "/api/v1/worklist", token=token)["items"]
            d.delete_all_cookies()
            d.set_window_size(1280, 900)
            d.get(f"{base}/login")
            d.find_element(By.NAME, "username").send_keys(username)
            d.find_element(By.NAME, "password").send_keys("liudong-demo")
            d.find_element(By.CSS_SELECTOR, "button.primary").click()
            wait.until(lambda x: "/login" not in x.current_url)
            d.get(f"{base}/")
            # The worklist comes first on the page.
            first = d.find_element(By.CSS_SELECTOR, "main section")
            assert first.get_attribute("id") == "worklist", f"{username}: the home page does not open with 待办"
            shown = page_items(d)
            expected = [(i["kind"], i["count"], i["overdue"], base + i["href"]) for i in api]
            assert shown == expected, f"{username}: page {shown} != api {expected}"
            if must_have_work:
                assert shown, f"{username}: an empty worklist on the demo"
            # The child organizations' names stay on one line at 1280 px: the table scrolls inside its box instead.
            broken = d.execute_script(
                "return [...document.querySelectorAll('#worklist table.work-children tbody td:first-child a')]"
                ".filter(a => a.getClientRects().length > 1).map(a => a.textContent)")
            assert not broken, f"{username}: child organization names broken over lines at 1280 px: {broken[:3]}"
            shot(d, 1280, f"worklist-{username}-1280.png")
            shot(d, 375, f"worklist-{username}-375.png")
            overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{username}: the home page scrolls sideways at 375 px ({overflow} px)"
            menus(d, username)
            children = len(d.find_elements(By.CSS_SELECTOR, "#worklist table.work-children tbody tr"))
            summary.append(f"{username} {len(shown)} items, {sum(c for _, c, _, _ in shown)} things"
                           + (f", {children} child orgs" if children else ""))
        print("e2e ok: " + "; ".join(summary))
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

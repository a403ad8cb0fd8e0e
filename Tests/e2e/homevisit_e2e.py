#!/usr/bin/env python3
"""End-to-end at 375 px (measure 4c 送学上门, issue 27 item 6): the county sets a return season around today; the demo
member says on the phone when they will be home (返乡预报) — their flow stays open; the demo secretary sees them on
the season's expected list, holds a session that also reaches a mobile member of the branch who is not on the list
(silent for seven months in the demo), and that member's six-month alert clears.

Usage: homevisit_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import datetime, os, re, sys

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import chrome, clock_now, shows, staff_sign_in, start_demo, submit  # noqa: E402

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)


def shot(d, name, width):
    d.set_window_size(width, 900)
    h = d.execute_script("return document.body.scrollHeight")
    d.set_window_size(width, max(900, min(h, 4000)))
    d.save_screenshot(os.path.join(ARTIFACTS, name))
    d.set_window_size(width, 900)


def put(d, name, value, scope="body"):
    """Sets a form field by script (date inputs take ISO values this way whatever the browser's locale)."""
    d.execute_script(
        "const e = document.querySelector(arguments[0] + ' [name=\"' + arguments[1] + '\"]'); e.value = arguments[2];",
        scope, name, value)


def alerted(d, base):
    """The member ids on the branch's six-month alert."""
    d.get(f"{base}/org-life/alerts")
    return set(re.findall(r"/members/([0-9A-Fa-f-]{36})/archive", d.page_source))


def narrow(d):
    assert d.execute_script("return document.documentElement.scrollWidth") <= 375, "the page scrolls sideways"


def main():
    base, stop = start_demo(BINARY, members="3000", seed="5")
    d = None
    try:
        found = re.search(r"身份证号 (\d{17}[\dX])（(.+?)）", start_demo.output)
        assert found, "the demo printed no member account"
        id_number, name = found.group(1), found.group(2)
        today = clock_now().date()
        iso = lambda days: (today + datetime.timedelta(days=days)).isoformat()  # noqa: E731
        season = f"e2e集中返乡{today.isoformat()}"

        d = chrome()
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        d.set_window_size(375, 900)
        # 1. The county sets a return season around today.
        staff_sign_in(d, wait, base, "county")
        d.get(f"{base}/home-study")
        form = "form[action='/home-study/seasons']"
        d.find_element(By.CSS_SELECTOR, form + " [name=name]").send_keys(season)
        put(d, "startsOn", iso(-5), form)
        put(d, "endsOn", iso(20), form)
        submit(d, wait, d.find_element(By.CSS_SELECTOR, form + " button"))
        wait.until(shows("已设定"))

        # 2. The member, on the phone, says when they will be home and where.
        d.delete_all_cookies()
        d.get(f"{base}/my/login")
        d.find_element(By.NAME, "idNumber").send_keys(id_number)
        d.find_element(By.NAME, "password").send_keys("liudong-demo")
        d.find_element(By.CSS_SELECTOR, "button.primary").click()
        wait.until(lambda x: x.current_url.endswith("/my"))
        d.find_element(By.CSS_SELECTOR, "#tile-home-visits a.button").click()
        wait.until(lambda x: x.current_url.endswith("/my/home-visits"))
        put(d, "from", iso(0), "#home-visit")
        put(d, "to", iso(10), "#home-visit")
        d.find_element(By.CSS_SELECTOR, "#home-visit [name=place]").send_keys("林东镇富河村")
        submit(d, wait, d.find_element(By.CSS_SELECTOR, "#home-visit button.primary"))
        wait.until(shows("已告诉党支部"))
        narrow(d)
        shot(d, "homevisit-1-member-375.png", 375)

        # 3. The branch: the member is expected (返乡预报); a silent mobile member of the branch is not on the list.
        staff_sign_in(d, wait, base, "secretary")
        d.set_window_size(375, 900)
        silent_before = alerted(d, base)
        d.get(f"{base}/home-study")
        d.find_element(By.LINK_TEXT, season).click()
        wait.until(shows("预计返乡的党员", "#expected"))
        expected = d.find_element(By.ID, "expected-list").text
        assert name in expected and "返乡预报" in expected, expected[:300]
        d.find_element(By.CSS_SELECTOR, "#others summary").click()
        others = [e.get_attribute("name")[2:] for e in d.find_elements(By.CSS_SELECTOR, "#others input[type=checkbox]")]
        added = [m for m in others if m.lower() in {s.lower() for s in silent_before}]
        assert added, f"no silent mobile member of the branch off the list: others {others}, alert {silent_before}"
        quiet = added[0]
        ticked = {quiet.lower()}
        for box in d.find_elements(By.CSS_SELECTOR, "#expected-list input[type=checkbox]"):
            if box.find_element(By.XPATH, "..").text.strip() == name:
                box.click()
                ticked.add(box.get_attribute("name")[2:].lower())
        d.find_element(By.CSS_SELECTOR, f"#others input[name='r_{quiet}']").click()
        d.find_element(By.CSS_SELECTOR, "#expected [name=place]").send_keys("村党员活动室")
        d.find_element(By.CSS_SELECTOR, "#expected [name=topic]").send_keys("学习党章，通报家乡发展")
        narrow(d)
        shot(d, "homevisit-2-session-form-375.png", 375)
        submit(d, wait, d.find_element(By.CSS_SELECTOR, "#expected button.primary"))
        wait.until(shows("送达2人"))
        shot(d, "homevisit-3-held-375.png", 375)

        # 4. The session is organizational life: the silent member's alert clears.
        after = alerted(d, base)
        assert quiet.lower() not in {s.lower() for s in after}, "the member is still on the six-month alert"
        # Exactly those reached leave the alert (the demo member too, on a date when they had been silent).
        assert {s.lower() for s in after} == {s.lower() for s in silent_before} - ticked, (silent_before, after)
        shot(d, "homevisit-4-alert-cleared-375.png", 375)
        print(f"homevisit e2e ok: {name} filed a 返乡预报; the session reached them and a silent member, whose alert cleared")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

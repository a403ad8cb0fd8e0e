#!/usr/bin/env python3
"""End-to-end at 375 px (measure 4b 结对帮带): the secretary issues an activation code; the member activates, signs in
and sees the pair contact; the cadre logs a phone contact; the member confirms it; the branch's compliance rises.

Usage: pairing_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import os, re, sys

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import call, chrome, shows, staff_sign_in, start_demo, submit  # noqa: E402  (the server and browser helpers)

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)
PASSWORD = "my-phone-2026"


def shot(d, name):
    h = d.execute_script("return document.body.scrollHeight")
    d.set_window_size(375, max(812, min(h, 4000)))
    d.save_screenshot(os.path.join(ARTIFACTS, name))
    d.set_window_size(375, 812)


def main():
    base, stop = start_demo(BINARY, members="3000", seed="5")
    d = None
    try:
        token = call(base, "/api/v1/session", {"username": "secretary", "password": "liudong-demo"})["token"]
        me = call(base, "/api/v1/me", token=token)
        branch = me["scopeCode"]
        before = call(base, f"/api/v1/contact-compliance?org={branch}", token=token)
        paired = {p["memberId"]: p for p in call(base, f"/api/v1/pairings?org={branch}", token=token)["items"]
                  if p["side"] == "outflow"}
        waiting = [m for m in before["notContacted"] if m["memberId"] in paired]
        assert waiting, "the demo branch has no paired member waiting for this quarter's contact"
        member = waiting[0]
        member_id = member["memberId"]

        d = chrome()
        # Pages are replaced on every submit: an element of the old page may go stale while we wait.
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        # 1. The secretary reveals the ID number (audited, with a reason) and prints an activation slip.
        staff_sign_in(d, wait, base, "secretary")
        d.get(f"{base}/members/{member_id}")
        d.find_element(By.NAME, "reason").send_keys("发放手机端激活码，核对身份")
        d.find_element(By.CSS_SELECTOR, "form[action$='/reveal'] button").click()
        wait.until(lambda x: x.find_elements(By.XPATH, "//span[@class='tag' and text()='已记录查看']"))
        text = d.find_element(By.TAG_NAME, "main").text
        id_number = re.search(r"\b\d{17}[\dX]\b", text).group(0)
        d.find_element(By.CSS_SELECTOR, "form[action$='/activation-code'] button").click()
        code = wait.until(lambda x: x.find_element(By.ID, "activation-code")).text.strip()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
        assert d.find_elements(By.CSS_SELECTOR, "#slip svg"), "the slip has no QR code"
        shot(d, "pairing-1-slip.png")

        # 2. The member opens the slip's link, activates and lands on /my with the pair contact to call.
        d.delete_all_cookies()
        d.get(f"{base}/my/activate#code={code}")
        # The code came in the fragment (never sent to the server); the page fills it in and drops it from the URL.
        assert d.find_element(By.NAME, "code").get_attribute("value") == code, "the code was not filled in"
        assert "#" not in d.current_url and "code=" not in d.current_url, d.current_url
        d.find_element(By.NAME, "idNumber").send_keys(id_number)
        d.find_element(By.NAME, "password").send_keys(PASSWORD)
        d.find_element(By.NAME, "confirm").send_keys(PASSWORD)
        d.find_element(By.CSS_SELECTOR, "#my-activate button.primary").click()
        wait.until(lambda x: x.current_url.endswith("/my"))
        contacts = d.find_element(By.ID, "my-contacts")
        cadre = paired[member_id]["cadre"]["name"]
        assert cadre in contacts.text, f"{cadre} not on /my: {contacts.text}"
        assert contacts.find_elements(By.CSS_SELECTOR, "a[href^='tel:1']"), "no tel: link for the pair contact"
        assert d.execute_script("return document.documentElement.scrollWidth") <= 375, "/my scrolls sideways at 375 px"
        shot(d, "pairing-2-my.png")

        # 3. The cadre (here the secretary) logs a phone contact from the phone.
        staff_sign_in(d, wait, base, "secretary")
        d.get(f"{base}/members/{member_id}/pairings")
        form = d.find_element(By.CSS_SELECTOR, "form.contact-form")
        form.find_element(By.CSS_SELECTOR, "input[value=phone]").click()
        form.find_element(By.NAME, "summary").send_keys("电话随访：在外务工稳定，按时参加组织生活，家中老人身体尚好。")
        submit(d, wait, form.find_element(By.CSS_SELECTOR, "button.primary"))
        wait.until(shows("已记录", ".flash"))
        shot(d, "pairing-3-contact.png")

        # 4. The member signs in and confirms it.
        d.delete_all_cookies()
        d.get(f"{base}/my/login")
        d.find_element(By.NAME, "idNumber").send_keys(id_number)
        d.find_element(By.NAME, "password").send_keys(PASSWORD)
        d.find_element(By.CSS_SELECTOR, "#my-login button.primary").click()
        wait.until(lambda x: x.current_url.endswith("/my"))
        tile = d.find_element(By.ID, "tile-contacts")
        assert "电话随访" in tile.text
        submit(d, wait, tile.find_element(By.XPATH, ".//button[text()='确认联系']"))
        wait.until(shows("已确认", ".flash"))
        assert "本人已确认" in d.find_element(By.ID, "tile-contacts").text
        shot(d, "pairing-4-confirmed.png")

        # 5. The branch's compliance rose by one contacted and one confirmed member.
        after = call(base, f"/api/v1/contact-compliance?org={branch}", token=token)
        assert after["contacted"] == before["contacted"] + 1, (before, after)
        assert after["confirmed"] == before["confirmed"] + 1, (before, after)
        assert member_id not in [m["memberId"] for m in after["notContacted"]]
        staff_sign_in(d, wait, base, "secretary")
        d.get(f"{base}/contacts")
        assert d.find_element(By.ID, "contacted").text == str(after["contacted"])
        shot(d, "pairing-5-compliance.png")
        print(f"pairing e2e ok: contacted {before['contacted']} -> {after['contacted']}, "
              f"confirmed {before['confirmed']} -> {after['confirmed']} of {after['mobileMembers']}")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""End-to-end at 375 px (issue 30, 通知): the secretary records a phone contact with the demo member; the member's
phone shows the unread count in the bar and the inbox says 请确认 with a link; the member follows it and confirms the
contact there; the branch's group list and the figures show the message.

Usage: notify_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import os, re, sys

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import (  # noqa: E402
    call, chrome, member_sign_in, no_sideways, phone_shot, shows, staff_sign_in, start_demo, submit)

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)








def main():
    base, stop = start_demo(BINARY, members="3000", seed="5")
    d = None
    try:
        found = re.search(r"身份证号 (\d{17}[\dX])（(.+?)）", start_demo.output)
        assert found, "the demo printed no member account"
        id_number, name = found.group(1), found.group(2)
        token = call(base, "/api/v1/session", {"username": "secretary", "password": "liudong-demo"})["token"]
        branch = call(base, "/api/v1/me", token=token)["scopeCode"]
        pairing = [p for p in call(base, f"/api/v1/pairings?org={branch}", token=token)["items"]
                   if p["memberName"] == name and p["side"] == "outflow"]
        assert pairing, f"{name} has no outflow pairing in {branch}"
        member_id = pairing[0]["memberId"]

        d = chrome()
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        d.set_window_size(375, 812)

        # 0. Before: what the member's inbox holds.
        member_sign_in(d, wait, base, id_number)
        badges = d.find_elements(By.CSS_SELECTOR, "#my-inbox-link .badge")
        before = int(badges[0].get_attribute("textContent")) if badges else 0

        # 1. The secretary records a phone contact from the phone.
        staff_sign_in(d, wait, base, "secretary")
        d.set_window_size(375, 812)
        d.get(f"{base}/members/{member_id}/pairings")
        form = d.find_element(By.CSS_SELECTOR, "form.contact-form")
        form.find_element(By.CSS_SELECTOR, "input[value=phone]").click()
        form.find_element(By.NAME, "summary").send_keys("电话随访：在外务工稳定，按时参加组织生活，家中老人身体尚好。")
        submit(d, wait, form.find_element(By.CSS_SELECTOR, "button.primary"))
        wait.until(shows("已记录", ".flash"))
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "notify-1-contact-375.png")

        # 2. The member's bar counts the unread message; the inbox says 请确认 with a link.
        member_sign_in(d, wait, base, id_number)
        badge = d.find_element(By.CSS_SELECTOR, "#my-inbox-link .badge").get_attribute("textContent")
        assert int(badge) == before + 1, f"the bar counts {badge} unread, {before} before the contact"
        tile = d.find_element(By.ID, "tile-notifications").text
        assert "未读" in tile and "请登录“我的”确认" in tile, f"the tile says: {tile}"
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "notify-2-my-375.png")
        d.find_element(By.ID, "my-inbox-link").click()
        wait.until(lambda x: "/my/notifications" in x.current_url)
        inbox = d.find_element(By.ID, "inbox")
        assert "结对联系请确认" in inbox.text and "电话随访" in inbox.text, inbox.text
        link = inbox.find_element(By.XPATH, ".//a[text()='请确认']")
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "notify-3-inbox-375.png")

        # 3. The link leads to the contact, which the member confirms there.
        link.click()
        wait.until(lambda x: x.current_url.endswith("/my#tile-contacts"))
        contacts = d.find_element(By.ID, "tile-contacts")
        submit(d, wait, contacts.find_element(By.XPATH, ".//button[text()='确认联系']"))
        wait.until(shows("已确认", ".flash"))
        assert "本人已确认" in d.find_element(By.ID, "tile-contacts").text
        assert not d.find_elements(By.CSS_SELECTOR, "#my-inbox-link .badge"), "the message is still unread"
        phone_shot(d, ARTIFACTS, "notify-4-confirmed-375.png")

        # 4. The branch's group list (what to send through its own group) and the figures.
        staff_sign_in(d, wait, base, "secretary")
        d.set_window_size(375, 812)
        d.get(f"{base}/notifications/group-list?org={branch}")
        copy = d.find_element(By.ID, "copy-text").get_attribute("value")
        assert f"@{name} " in copy and "请登录“我的”确认" in copy, copy
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "notify-5-group-list-375.png")
        figures = call(base, f"/api/v1/notifications/figures?org={branch}", token=token)
        waiting = sum(f["queued"] for f in figures["figures"] if f["category"] == "contact")
        assert waiting >= 1, figures
        d.get(f"{base}/notifications")
        phone_shot(d, ARTIFACTS, "notify-6-figures-375.png")
        print(f"notify e2e ok: {name}'s inbox said 请确认, confirmed from it; {waiting} contact message(s) waiting "
              f"for SMS in {branch} (no provider in the demo)")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""End-to-end at 375 px (issue 28, 组织关系转接): the demo member applies on the phone to move to another branch of the
county; the demo secretary consents, the committee issues the letter, the county — over the receiving branch —
confirms the report, records the receipt and archives; the member is then in the new branch, and the archive shows
every step.

Usage: transfer_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import os, re, sys

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import chrome, no_sideways, phone_shot, shows, staff_sign_in, start_demo, submit  # noqa: E402

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)






def step(d, wait, base, username, member_id, label):
    """Signs `username` in, opens the member's transfer panel and presses the step's button."""
    staff_sign_in(d, wait, base, username)
    d.set_window_size(375, 812)
    d.get(f"{base}/members/{member_id}/roster")
    buttons = [b for b in d.find_elements(By.CSS_SELECTOR, "#transfers form button.primary") if b.text == label]
    assert buttons, f"{username}: no “{label}” on the panel: {d.find_element(By.ID, 'transfers').text[:300]}"
    submit(d, wait, buttons[0])
    wait.until(shows("已" + label, ".flash"))
    no_sideways(d)


def main():
    base, stop = start_demo(BINARY, members="3000", seed="5")
    d = None
    try:
        found = re.search(r"身份证号 (\d{17}[\dX])（(.+?)）", start_demo.output)
        assert found, "the demo printed no member account"
        id_number, name = found.group(1), found.group(2)
        d = chrome()
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))

        # 1. The member applies on the phone.
        d.get(f"{base}/my/login")
        d.find_element(By.NAME, "idNumber").send_keys(id_number)
        d.find_element(By.NAME, "password").send_keys("liudong-demo")
        d.find_element(By.CSS_SELECTOR, "button.primary").click()
        wait.until(lambda x: x.current_url.endswith("/my"))
        d.find_element(By.CSS_SELECTOR, "#tile-transfer a.button").click()
        wait.until(lambda x: x.current_url.endswith("/my/transfer"))
        select = Select(d.find_element(By.NAME, "toOrgCode"))
        target = [o for o in select.options if o.get_attribute("value")][0]
        to_name = target.text
        select.select_by_value(target.get_attribute("value"))
        d.find_element(By.NAME, "reason").send_keys("在邻村承包土地，常住该村")
        phone_shot(d, ARTIFACTS, "transfer-1-apply-375.png")
        no_sideways(d)
        submit(d, wait, d.find_element(By.CSS_SELECTOR, "#apply button.primary"))
        wait.until(shows("已提交申请"))
        assert "申请" in d.find_element(By.TAG_NAME, "main").text
        phone_shot(d, ARTIFACTS, "transfer-2-applied-375.png")

        # 2. The secretary finds it on the transfers list and consents.
        staff_sign_in(d, wait, base, "secretary")
        d.set_window_size(375, 812)
        d.get(f"{base}/transfers")
        link = d.find_element(By.XPATH, f"//table//a[text()='{name}']").get_attribute("href")
        member_id = re.search(r"/members/([0-9A-Fa-f-]{36})/roster", link).group(1)
        phone_shot(d, ARTIFACTS, "transfer-3-list-375.png")
        step(d, wait, base, "secretary", member_id, "支部同意")
        # 3. The committee issues the letter; 4. the county, over the receiving branch, confirms the report, the
        #    receipt, and archives.
        step(d, wait, base, "committee", member_id, "开具介绍信")
        assert "介绍信转字〔" in d.find_element(By.ID, "transfers").text
        phone_shot(d, ARTIFACTS, "transfer-4-issued-375.png")
        step(d, wait, base, "county", member_id, "确认报到")
        step(d, wait, base, "county", member_id, "回执已回")
        step(d, wait, base, "county", member_id, "归档")
        phone_shot(d, ARTIFACTS, "transfer-5-archived-375.png")

        # 5. The member is in the new branch; the archive shows every step.
        d.get(f"{base}/members/{member_id}")
        assert to_name in d.find_element(By.TAG_NAME, "main").text, "the member page does not name the new branch"
        d.get(f"{base}/members/{member_id}/archive")
        archive = d.find_element(By.TAG_NAME, "main").text
        for what in ["申请组织关系转接", "组织关系转接：支部同意", "组织关系转接：开具介绍信", "组织关系转接：确认报到",
                     "组织关系转接：回执已回", "组织关系转接：归档"]:
            assert what in archive, f"the archive lacks “{what}”"
        phone_shot(d, ARTIFACTS, "transfer-6-archive-375.png")
        print(f"transfer e2e ok: {name} moved to {to_name}, every step on the archive")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""End-to-end at 375 px (issue 29, 党费): the demo member sees this month's dues on `/my`; the inflow organization the
member reports to records the payment; the home branch's collection sheet shows the month paid there; a second
payment for the same month is refused, saying where and when it was paid.

Usage: dues_e2e.py BINARY ARTIFACT_DIR
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






def pay(d, wait, base, member_id, amount):
    """Fills the payment form for this month with `amount` 元 and sends it; answers the flash."""
    d.get(f"{base}/dues/members/{member_id}")
    form = d.find_element(By.CSS_SELECTOR, "#pay form")
    form.find_element(By.NAME, "amount").send_keys(amount)
    form.find_element(By.NAME, "receipt").send_keys("E2E-0001")
    submit(d, wait, form.find_element(By.CSS_SELECTOR, "button.primary"))
    wait.until(lambda x: x.find_elements(By.CSS_SELECTOR, ".flash"))
    return d.find_element(By.CSS_SELECTOR, ".flash").text


def main():
    base, stop = start_demo(BINARY, members="3000", seed="5")
    d = None
    try:
        found = re.search(r"身份证号 (\d{17}[\dX])（(.+?)）", start_demo.output)
        assert found, "the demo printed no member account"
        id_number, name = found.group(1), found.group(2)
        d = chrome()
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        d.set_window_size(375, 812)

        # 1. The member sees what is due on the phone.
        d.get(f"{base}/my/login")
        d.find_element(By.NAME, "idNumber").send_keys(id_number)
        d.find_element(By.NAME, "password").send_keys("liudong-demo")
        d.find_element(By.CSS_SELECTOR, "button.primary").click()
        wait.until(lambda x: x.current_url.endswith("/my"))
        tile = d.find_element(By.ID, "tile-dues").text
        assert "每月应交" in tile and "未交" in tile, f"the dues tile says: {tile}"
        amount = re.search(r"每月应交([\d.]+)元", tile).group(1)
        d.find_element(By.CSS_SELECTOR, "#tile-dues a.button").click()
        wait.until(lambda x: x.current_url.endswith("/my/dues"))
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "dues-1-member-375.png")

        # 2. The inflow organization finds the member among its reporting members and records the payment.
        staff_sign_in(d, wait, base, "inflow")
        d.set_window_size(375, 812)
        d.get(f"{base}/dues")
        link = d.find_element(By.XPATH, f"//table//a[text()='{name}']").get_attribute("href")
        member_id = re.search(r"/dues/members/([0-9A-Fa-f-]{36})", link).group(1)
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "dues-2-inflow-list-375.png")
        said = pay(d, wait, base, member_id, amount)
        assert "已登记党费" in said, f"the inflow side could not record: {said}"
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "dues-3-inflow-paid-375.png")

        # 3. The home branch's collection sheet shows it paid at the inflow organization.
        staff_sign_in(d, wait, base, "secretary")
        d.set_window_size(375, 812)
        d.get(f"{base}/dues")
        row = d.find_element(By.XPATH, f"//table//tr[td/a[text()='{name}']]").text
        assert "已交" in row and "望京街道党工委" in row, f"the branch sheet says: {row}"
        no_sideways(d)
        phone_shot(d, ARTIFACTS, "dues-4-branch-sheet-375.png")

        # 4. A second payment for the month is refused, naming where and when it was paid.
        said = pay(d, wait, base, member_id, amount)
        assert "不能重复交纳" in said and "望京街道党工委" in said, f"a second payment was not refused: {said}"
        phone_shot(d, ARTIFACTS, "dues-5-refused-375.png")
        print(f"dues e2e ok: {name} paid {amount} 元 at the inflow side, shown at home, a second payment refused")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

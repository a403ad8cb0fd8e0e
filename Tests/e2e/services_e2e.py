#!/usr/bin/env python3
"""End-to-end at 375 px (五个机制·诉求办理): the demo member raises a request on the phone; it goes to the inflow
organization the member reported to (望京街道党工委), whose account accepts and answers it on a phone-sized page; the
member rates the answer; the home branch's secretary sees it on the member's archive.

Usage: services_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import os, re, sys, time

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import (  # noqa: E402  (the server and browser helpers)
    chrome, member_sign_in, no_sideways, phone_shot, shows, staff_sign_in, start_demo, submit)

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)








def main():
    base, stop = start_demo(BINARY, members="3000", seed="5")
    d = None
    try:
        found = re.search(r"身份证号 (\d{17}[\dX])（(.+?)）", start_demo.output)
        assert found, "the demo printed no member account"
        id_number, name = found.group(1), found.group(2)
        title = f"想在望京附近找电工的工作{int(time.time()) % 1000}"
        d = chrome()
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        d.set_window_size(375, 900)
        # 1. The member raises a request from the 诉求 tile.
        member_sign_in(d, wait, base, id_number)
        d.find_element(By.CSS_SELECTOR, "#tile-requests a.button").click()
        wait.until(lambda x: "/my/requests" in x.current_url)
        Select(d.find_element(By.NAME, "kind")).select_by_value("employment")
        d.find_element(By.NAME, "title").send_keys(title)
        d.find_element(By.NAME, "details").send_keys("持有低压电工证，原来的项目结束了，希望介绍附近企业的工作。")
        phone_shot(d, ARTIFACTS, "services-1-raise-375.png")
        no_sideways(d, "the request form")
        submit(d, wait, d.find_element(By.CSS_SELECTOR, "#new button.primary"))
        wait.until(shows("已提交"))
        body = d.find_element(By.TAG_NAME, "body").text
        assert "望京街道党工委" in body and title in body, body[:400]
        request_url = d.current_url
        request_id = request_url.rsplit("/", 1)[-1]
        phone_shot(d, ARTIFACTS, "services-2-raised-375.png")

        # 2. The inflow organization accepts and answers it, on a phone.
        staff_sign_in(d, wait, base, "inflow")
        d.get(f"{base}/requests?status=submitted")
        d.find_element(By.LINK_TEXT, title).click()
        wait.until(lambda x: request_id in x.current_url)
        phone_shot(d, ARTIFACTS, "services-3-inflow-request-375.png")
        d.find_element(By.NAME, "handler").send_keys("王建华")
        submit(d, wait, d.find_element(By.CSS_SELECTOR, f"form[action='/requests/{request_id}/accept'] button"))
        wait.until(shows("已受理"))
        d.find_element(By.NAME, "reply").send_keys("已推荐到街道辖区的物业公司面试维修电工，面试时间已电话告知。")
        submit(d, wait, d.find_element(By.CSS_SELECTOR, f"form[action='/requests/{request_id}/reply'] button"))
        wait.until(shows("已答复"))
        no_sideways(d, "the request page")
        phone_shot(d, ARTIFACTS, "services-4-answered-375.png")

        # 3. The member reads the answer and rates it.
        member_sign_in(d, wait, base, id_number)
        d.get(request_url)
        assert "物业公司面试维修电工" in d.find_element(By.TAG_NAME, "body").text
        Select(d.find_element(By.NAME, "stars")).select_by_value("5")
        d.find_element(By.NAME, "comment").send_keys("很快就联系上了")
        submit(d, wait, d.find_element(By.CSS_SELECTOR, "#rate button.primary"))
        wait.until(shows("已办结"))
        phone_shot(d, ARTIFACTS, "services-5-rated-375.png")

        # 4. The home branch sees it on the member's archive.
        staff_sign_in(d, wait, base, "secretary")
        d.get(f"{base}/members?q={name}")
        link = d.find_element(By.PARTIAL_LINK_TEXT, name).get_attribute("href")
        d.get(link.rstrip("/") + "/archive")
        archive = d.find_element(By.TAG_NAME, "body").text
        assert f"就业创业：{title}" in archive and "本人评价5星" in archive, archive[:600]
        phone_shot(d, ARTIFACTS, "services-6-archive.png", 1280)
        print(f"services e2e ok: {name} raised a request, 望京 accepted and answered it, rated 5, on the home archive")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

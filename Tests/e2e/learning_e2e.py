#!/usr/bin/env python3
"""End-to-end at 375 px (measure 4c 组织生活·每周一学): the inflow organization holds a theme day; the demo member (a
mobile member of the demo secretary's branch) checks in on the phone with the event's code; the home branch sees the
attendance credited on its record; the member takes this week's quiz and sees the score and explanations.

Usage: learning_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import os, re, sys

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selfreport_e2e import call, chrome, clock_now, shows, staff_sign_in, start_demo, submit  # noqa: E402  (the server and browser helpers)

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)


def shot(d, name, width):
    d.set_window_size(width, 900)
    h = d.execute_script("return document.body.scrollHeight")
    d.set_window_size(width, max(900, min(h, 4000)))
    d.save_screenshot(os.path.join(ARTIFACTS, name))
    d.set_window_size(width, 900)


def main():
    base, stop = start_demo(BINARY, members="3000", seed="5")
    d = None
    try:
        found = re.search(r"身份证号 (\d{17}[\dX])（(.+?)）", start_demo.output)
        assert found, "the demo printed no member account"
        id_number, name = found.group(1), found.group(2)
        # 1. The inflow organization (望京街道党工委) holds a theme day now, through its account.
        inflow = call(base, "/api/v1/session", {"username": "inflow", "password": "liudong-demo"})["token"]
        now = clock_now().strftime("%Y-%m-%dT%H:%M")
        event = call(base, "/api/v1/org-life", {"orgCode": "X110105", "kind": "themeDay", "startsAt": now,
                                                "place": "望京街道党群服务中心", "topic": "主题党日：流动党员交流学习"}, token=inflow)
        code = event["checkInCode"]
        assert re.fullmatch(r"[A-Z2-9]{6}", code), code

        d = chrome()
        wait = WebDriverWait(d, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        d.set_window_size(375, 900)
        # 2. The member signs in on the phone and checks in with the code (typed in lower case).
        d.get(f"{base}/my/login")
        d.find_element(By.NAME, "idNumber").send_keys(id_number)
        d.find_element(By.NAME, "password").send_keys("liudong-demo")
        d.find_element(By.CSS_SELECTOR, "button.primary").click()
        wait.until(lambda x: x.current_url.endswith("/my"))
        shot(d, "learning-1-my-375.png", 375)
        d.find_element(By.CSS_SELECTOR, "#tile-org-life a.button").click()
        wait.until(lambda x: x.current_url.endswith("/my/org-life"))
        d.find_element(By.ID, "code").send_keys(code.lower())
        submit(d, wait, d.find_element(By.CSS_SELECTOR, "#check-in button.primary"))
        wait.until(shows("签到成功"))
        assert "望京街道党工委" in d.find_element(By.ID, "my-org-life").text
        shot(d, "learning-2-checked-in-375.png", 375)
        assert d.execute_script("return document.documentElement.scrollWidth") <= 375, "the page scrolls sideways"

        # 3. The member takes this week's quizzes — the city's and the county's, each its own form: the first option
        #    of each question, then each shows its score and explanations.
        d.get(f"{base}/my/quiz")
        sections = d.find_elements(By.CSS_SELECTOR, "section[id^=quiz-]")
        assert len(sections) >= 2, f"the week shows {len(sections)} quiz(zes), not the city's and the county's"
        shot(d, "learning-3-quiz-375.png", 375)
        scores = []
        for n in range(len(sections)):
            section = d.find_elements(By.CSS_SELECTOR, "section[id^=quiz-]")[n]
            sid = section.get_attribute("id")
            questions = section.find_elements(By.CSS_SELECTOR, "form.quiz fieldset.question")
            assert questions, f"{sid} has no form"
            for q in questions:
                q.find_elements(By.CSS_SELECTOR, "input")[0].click()
            submit(d, wait, section.find_element(By.CSS_SELECTOR, "button.submit-quiz"))
            score = wait.until(lambda x: x.find_element(By.CSS_SELECTOR, f"#{sid} .score")).text
            result = d.find_element(By.ID, sid).text
            assert re.fullmatch(r"\d+", score) and int(score) <= len(questions), score
            assert result.count("解析：") == len(questions), result[:300]
            scores.append(f"{score}/{len(questions)}")
        score = ", ".join(scores)
        assert not d.find_elements(By.CSS_SELECTOR, "form.quiz"), "a quiz is still open after answering each"
        shot(d, "learning-4-score-375.png", 375)

        # 4. The home branch sees the attendance on its record (page and archive).
        staff_sign_in(d, wait, base, "secretary")
        d.set_window_size(1280, 900)
        d.get(f"{base}/org-life")
        away = d.find_element(By.ID, "away").text
        assert name in away and "望京街道党工委" in away and "本人签到码" in away, away[:400]
        shot(d, "learning-5-home-branch.png", 1280)
        print(f"learning e2e ok: {name} checked in with {code} at 望京, credited to the home branch; quiz scores {score}")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

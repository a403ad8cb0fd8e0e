#!/usr/bin/env python3
"""End-to-end: a member reports leaving from a phone (375x812) in real Chromium, the branch secretary confirms it.

Usage: selfreport_e2e.py BINARY ARTIFACT_DIR
Starts its own server on a free port with a fresh SQLite demo; leaves screenshots in ARTIFACT_DIR.
"""
import datetime, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make_id(body17):
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, WEIGHTS)) % 11]


SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
_STARTED = time.monotonic()


def clock_now():
    """Now in Asia/Shanghai as the app's clock (AppClock) has it: LIUDONG_TODAY=YYYY-MM-DD moves the system time by
    whole days, LIUDONG_TODAY=YYYY-MM-DDTHH:MM[:SS] starts at that moment; unset, the system time."""
    real = datetime.datetime.now(SHANGHAI)  # CLOCK-OK: the one place the browser tests read the system clock
    setting = os.environ.get("LIUDONG_TODAY", "").strip()
    if not setting:
        return real
    if "T" in setting:
        start = datetime.datetime.fromisoformat(setting).replace(tzinfo=SHANGHAI)
        return start + datetime.timedelta(seconds=time.monotonic() - _STARTED)
    return real + (datetime.date.fromisoformat(setting) - real.date())


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(base, path, body=None, token=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def start_demo(binary, members="1500", seed="3", after=(), prefix="liudong-e2e-"):
    """Loads the demo into a fresh SQLite database (then runs each command of `after`), serves it on a free port and
    waits for /healthz. Returns the base URL and a function that stops the server and removes the database."""
    var = tempfile.mkdtemp(prefix=prefix)
    env = dict(os.environ, LIUDONG_VAR_DIR=var, LOG_LEVEL="warning")
    env.pop("DATABASE_URL", None)
    loaded = subprocess.run([binary, "demo", "--members", members, "--seed", seed], env=env, check=True,
                            stdout=subprocess.PIPE, text=True)
    # The demo's account list (the demo member's ID number is on it), for tests that sign the member in.
    start_demo.output = loaded.stdout
    for command in after:
        subprocess.run([binary, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env["LIUDONG_BASE_URL"] = base
    server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop():
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(var, ignore_errors=True)

    for _ in range(100):
        try:
            if call(base, "/healthz")["status"] == "ok":
                break
        except Exception:
            time.sleep(0.2)
    return base, stop


def shows(text, css="body"):
    """A wait condition: the element `css` shows `text`. Read by the page's own script in one step, so a page
    replaced mid-read (a form's answer arriving) reads as "not yet" instead of a stale node; any other driver
    error is also "not yet" until the wait's timeout."""

    def check(d):
        try:
            got = d.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''", css)
        except WebDriverException:
            return False
        return text in (got or "")

    return check


def submit(d, wait, button):
    """Clicks a form's button and waits for the answer to replace the page (the old page may already hold the text a
    test then waits for: a list of earlier requests says 已提交 too), then for the new page to be loaded."""
    old = d.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(_):
        # Chromium answers a detached node with "Node with given id does not belong to the document", a plain
        # WebDriverException that selenium's staleness_of does not catch: any error reading the old page means it
        # is gone.
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True

    wait.until(replaced)
    wait.until(lambda x: x.execute_script("return document.readyState") == "complete")


def staff_sign_in(d, wait, base, username):
    """Signs a demo staff account in on the page (the demo password) and waits to leave the sign-in page."""
    d.delete_all_cookies()
    d.get(f"{base}/login")
    d.find_element(By.NAME, "username").send_keys(username)
    d.find_element(By.NAME, "password").send_keys("liudong-demo")
    d.find_element(By.CSS_SELECTOR, "button.primary").click()
    wait.until(lambda x: "/login" not in x.current_url)


def member_sign_in(d, wait, base, id_number, password="liudong-demo"):
    """Signs a member in on the phone's sign-in page and waits for /my."""
    d.delete_all_cookies()
    d.get(f"{base}/my/login")
    d.find_element(By.NAME, "idNumber").send_keys(id_number)
    d.find_element(By.NAME, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "button.primary").click()
    wait.until(lambda x: x.current_url.endswith("/my"))


def phone_shot(d, artifacts, name, width=375, height=812):
    """A screenshot of the whole page (at most 4,000 px tall) at `width`, into `artifacts`."""
    d.set_window_size(width, height)
    h = d.execute_script("return document.body.scrollHeight")
    d.set_window_size(width, max(height, min(h, 4000)))
    d.save_screenshot(os.path.join(artifacts, name))
    d.set_window_size(width, height)


def no_sideways(d, what="the page", width=375):
    assert d.execute_script("return document.documentElement.scrollWidth") <= width, f"{what} scrolls sideways"


def chrome():
    o = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=375,812"]:
        o.add_argument(a)
    for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]:
        if os.path.exists(path):
            o.binary_location = path
            break
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    d = webdriver.Chrome(service=Service(driver), options=o)
    d.set_window_size(375, 812)
    return d


def shot(d, name):
    h = d.execute_script("return document.body.scrollHeight")
    d.set_window_size(375, max(812, min(h, 3000)))
    d.save_screenshot(os.path.join(ARTIFACTS, name))
    d.set_window_size(375, 812)


def main():
    base, stop = start_demo(BINARY)
    d = None
    try:
        # setup: the secretary registers a member whose number we know
        token = call(base, "/api/v1/session", {"username": "secretary", "password": "liudong-demo"})["token"]
        branch = call(base, "/api/v1/me", token=token)["scopeCode"]
        good = make_id("15042219880808123")
        name = "端到端测试"
        call(base, "/api/v1/members", {"name": name, "sex": "female" if int(good[16]) % 2 == 0 else "male", "ethnicity": "汉族",
                                       "idNumber": good, "education": "college", "category": "full", "joinedOn": "2010-07-01",
                                       "fullOn": "2011-07-01", "orgCode": branch, "phone": "13904760001"}, token)
        bad = good[:17] + ("0" if good[17] != "0" else "1")

        # the member, on a phone, reports leaving with a mistyped number
        d = chrome()
        d.get(f"{base}/r/{branch}")
        d.find_element(By.NAME, "name").send_keys(name)
        d.find_element(By.NAME, "idNumber").send_keys(bad)
        d.find_element(By.NAME, "phone").send_keys("13904760001")
        wait = WebDriverWait(d, 10)
        wait.until(lambda x: len(Select(x.find_elements(By.CSS_SELECTOR, ".cascade select")[0]).options) > 30)
        Select(d.find_elements(By.CSS_SELECTOR, ".cascade select")[0]).select_by_visible_text("北京市")
        wait.until(lambda x: len(Select(x.find_elements(By.CSS_SELECTOR, ".cascade select")[1]).options) > 1)
        Select(d.find_elements(By.CSS_SELECTOR, ".cascade select")[1]).select_by_visible_text("北京市")
        wait.until(lambda x: len(Select(x.find_elements(By.CSS_SELECTOR, ".cascade select")[2]).options) > 5)
        Select(d.find_elements(By.CSS_SELECTOR, ".cascade select")[2]).select_by_visible_text("朝阳区")
        d.find_element(By.NAME, "address").send_keys("望京街道望京西园一区")
        d.find_element(By.NAME, "employer").send_keys("北京某物流公司")
        Select(d.find_element(By.NAME, "reason")).select_by_value("1")
        d.execute_script("document.querySelector('input[name=leftOn]').value = arguments[0]", clock_now().strftime("%Y-%m-%d"))
        shot(d, "01-phone-form.png")
        d.find_element(By.CSS_SELECTOR, "form#report button.primary").click()
        err = wait.until(lambda x: x.find_element(By.CSS_SELECTOR, "input[name=idNumber] + .err"))
        assert "校验位" in err.text, err.text
        assert d.find_element(By.NAME, "name").get_attribute("value") == name, "the form lost what was typed"
        assert d.find_element(By.NAME, "destinationCode").get_attribute("value") == "110105"
        shot(d, "02-phone-error.png")
        field = d.find_element(By.NAME, "idNumber")
        field.clear()
        field.send_keys(good)
        d.find_element(By.CSS_SELECTOR, "form#report button.primary").click()
        receipt = wait.until(lambda x: x.find_element(By.ID, "receipt")).text.strip()
        assert len(receipt) >= 12, receipt
        shot(d, "03-phone-receipt.png")

        # the branch secretary confirms it
        d.get(f"{base}/login")
        d.find_element(By.NAME, "username").send_keys("secretary")
        d.find_element(By.NAME, "password").send_keys("liudong-demo")
        d.find_element(By.CSS_SELECTOR, "button.primary").click()
        wait.until(lambda x: "/login" not in x.current_url)   # signed in before moving on
        d.get(f"{base}/reviews")
        # Staff see the receipt shortened to its first four characters (the member's own page shows it whole).
        card = [c for c in d.find_elements(By.CSS_SELECTOR, "section.report")
                if name in c.text and receipt[:4] + "…" in c.text and receipt not in c.text]
        assert card, "the report is not in the secretary's queue: " + d.page_source[:1500]
        shot(d, "04-review-queue.png")
        card[0].find_element(By.CSS_SELECTOR, "button.primary").click()
        def confirmed(x):
            try:
                return any("已确认" in f.text for f in x.find_elements(By.CSS_SELECTOR, ".flash"))
            except Exception:   # the old page went away while we looked
                return False
        wait.until(confirmed)
        d.get(f"{base}/orgs/{branch}")
        mobile = d.find_element(By.ID, "mobile").text
        assert name in mobile and "北京市朝阳区" in mobile, mobile
        shot(d, "05-branch-mobile-list.png")
        status = call(base, f"/api/v1/self-reports/{receipt}?idTail={good[-6:]}")
        assert status["status"] == "confirmed", status
        print(f"e2e ok: receipt {receipt} confirmed; screenshots in {ARTIFACTS}")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""End-to-end: a county account downloads a national-system export of its scope (with messy rows), uploads it,
sees the dry run with each rejected row, applies it, runs the quarter's reconciliation, resolves an item and opens
the member's archive — in real Chromium.

Usage: reconcile_e2e.py BINARY ARTIFACT_DIR
"""
import glob, os, sys, tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selfreport_e2e as base_e2e  # noqa: E402  (shares the server and browser helpers)

BINARY, ARTIFACTS = sys.argv[1], sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)


def flash_with(text):
    """A wait condition: the page's flash message contains `text` (tolerates the old page going away meanwhile)."""
    def check(d):
        try:
            for f in d.find_elements(By.CSS_SELECTOR, ".flash"):
                if text in f.text:
                    return f.text
        except Exception:
            return False
        return False
    return check


def main():
    downloads = tempfile.mkdtemp(prefix="liudong-e2e-dl-")
    base, stop = base_e2e.start_demo(BINARY)
    d = None
    try:
        d = base_e2e.chrome()
        d.set_window_size(1280, 900)
        d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        wait = WebDriverWait(d, 30)
        d.get(f"{base}/login")
        d.find_element(By.NAME, "username").send_keys("county")
        d.find_element(By.NAME, "password").send_keys("liudong-demo")
        d.find_element(By.CSS_SELECTOR, "button.primary").click()
        wait.until(lambda x: "/login" not in x.current_url)   # signed in before moving on
        d.get(f"{base}/imports")
        # The sample holds full ID numbers: downloading it takes a reason (audited).
        d.find_element(By.CSS_SELECTOR, "#sample input[name=reason]").send_keys("浏览器测试：试导入演练")
        d.find_element(By.CSS_SELECTOR, "#sample button").click()
        wait.until(lambda x: glob.glob(os.path.join(downloads, "*.xlsx")))
        sample = glob.glob(os.path.join(downloads, "*.xlsx"))[0]
        d.get(f"{base}/imports")
        d.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(sample)
        d.find_element(By.CSS_SELECTOR, "form[enctype] button.primary").click()
        wait.until(lambda x: "试导入结果" in x.page_source)
        rejected = d.find_element(By.TAG_NAME, "table").text
        assert "科学计数法" in rejected and "校验位不正确" in rejected and "重复" in rejected and "不存在的党支部" in rejected, rejected
        d.save_screenshot(os.path.join(ARTIFACTS, "11-import-dry-run.png"))
        d.find_element(By.XPATH, "//button[contains(., '确认应用')]").click()
        wait.until(lambda x: "已导入" in x.page_source)
        d.save_screenshot(os.path.join(ARTIFACTS, "12-import-applied.png"))
        d.get(f"{base}/reconcile")
        d.find_element(By.XPATH, "//button[contains(., '运行对账')]").click()
        wait.until(flash_with("对账完成"))
        d.save_screenshot(os.path.join(ARTIFACTS, "13-reconcile.png"))
        first = d.find_element(By.CSS_SELECTOR, ".queue section.card")
        name = first.find_element(By.TAG_NAME, "h3").text
        first.find_element(By.NAME, "note").send_keys("已与本人电话核实")
        first.find_element(By.XPATH, ".//button[contains(., '说明')]").click()
        wait.until(flash_with("已处理"))
        d.set_window_size(375, 812)
        d.save_screenshot(os.path.join(ARTIFACTS, "14-reconcile-phone.png"))
        d.set_window_size(1280, 900)
        link = d.find_elements(By.CSS_SELECTOR, ".queue h3 a")
        if link:
            link[0].click()
            wait.until(lambda x: "流动党员档案" in x.page_source and "/archive" in x.current_url)
            d.save_screenshot(os.path.join(ARTIFACTS, "15-archive.png"))
        print(f"e2e ok: imported, reconciled, resolved “{name}”; screenshots in {ARTIFACTS}")
    finally:
        if d:
            d.quit()
        stop()


if __name__ == "__main__":
    main()

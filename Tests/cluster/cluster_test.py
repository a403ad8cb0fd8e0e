#!/usr/bin/env python3
"""Issue 31 item 5: two app nodes behind nginx (round-robin) on one PostgreSQL. Run by Scripts/cluster-test.sh
(`make cluster-test`), which starts everything and passes the addresses; standard library only.

Checks, in order: a session signed in through nginx holds on both nodes; a national export uploaded through nginx is
checked, shown and applied across nodes; an agreement scan uploaded to one node downloads from the other; 200
concurrent self-reports are all stored; 40 wrong passwords spread over both nodes lock the account once; the node
running an import is killed (SIGKILL) and the other takes the job over (or fails it cleanly), with every acknowledged
self-report stored."""
import argparse
import concurrent.futures
import csv
import http.cookiejar
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ARGS = None
FAILURES = []


def check(ok, what):
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)
    return ok


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


class Client:
    """A browser: one cookie jar (cookies of 127.0.0.1 go to every port), the last CSRF token seen."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = None

    def send(self, method, url, body=None, headers=None, timeout=60):
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as res:
                status, hdrs, data = res.status, res.headers, res.read()
        except urllib.error.HTTPError as e:
            status, hdrs, data = e.code, e.headers, e.read()
        m = re.search(rb'name="_csrf" value="([^"]+)"', data or b"")
        if m:
            self.csrf = m.group(1).decode()
        return status, hdrs, data

    def get(self, url):
        return self.send("GET", url)

    def post_form(self, url, fields):
        fields = dict(fields)
        if self.csrf:
            fields["_csrf"] = self.csrf
        body = urllib.parse.urlencode(fields).encode()
        return self.send("POST", url, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, url, fields, field, name, data, timeout=120):
        fields = dict(fields)
        if self.csrf:
            fields["_csrf"] = self.csrf
        boundary = "----liudong" + uuid.uuid4().hex
        out = io.BytesIO()
        for k, v in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(data)
        out.write(f"\r\n--{boundary}--\r\n".encode())
        return self.send(
            "POST", url, out.getvalue(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout)


def upstream(hdrs):
    return (hdrs.get("X-Liudong-Upstream") or "").strip()


def psql(sql):
    out = subprocess.run(
        ["psql", ARGS.db_url, "-At", "-c", sql], check=True, capture_output=True, text=True).stdout
    return out.strip()


def sign_in(c, base, username, password):
    c.get(base + "/login")
    return c.post_form(base + "/login", {"username": username, "password": password})


WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECKS = "10X98765432"


def id_number(n, division="210102"):
    body = "%s%04d%02d%02d%03d" % (division, 1960 + n // 336 % 40, n // 28 % 12 + 1, n % 28 + 1, n // 13440 % 1000)
    return body + CHECKS[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def self_report(n):
    body = json.dumps({
        "kind": "arrival", "orgCode": "X110105", "name": "集群%d" % n, "idNumber": id_number(n),
        "phone": "139%08d" % n, "address": "望京西园%d号" % n, "employer": "集群测试公司"}).encode()
    req = urllib.request.Request(
        ARGS.nginx + "/api/v1/self-reports", data=body, method="POST",
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return res.status, json.loads(res.read()).get("receipt"), upstream(res.headers)
    except urllib.error.HTTPError as e:
        return e.code, None, upstream(e.headers)
    except Exception:  # the connection dropped (a node killed under it): not acknowledged
        return 0, None, ""


def wait_for_job(c, base, job, phases, seconds, polls=4):
    """Polls the job's progress until it reaches one of `phases` (and at least `polls` times: through nginx the
    answers alternate between the nodes)."""
    deadline = time.time() + seconds
    seen = set()
    last = {}
    n = 0
    while time.time() < deadline:
        status, hdrs, data = c.get(f"{base}/imports/{job}/progress")
        n += 1
        if status == 200:
            last = json.loads(data)
            seen.add(upstream(hdrs))
            if last.get("phase") in phases and n >= polls:
                break
        time.sleep(0.3)
    return last, seen


def main():
    global ARGS
    p = argparse.ArgumentParser()
    for name in ["nginx", "a", "b", "db-url", "bin", "work", "pid-a", "pid-b", "password"]:
        p.add_argument("--" + name, required=True)
    ARGS = p.parse_args()
    nodes = {ARGS.a.split("//")[1], ARGS.b.split("//")[1]}

    print("1. a session through nginx holds on both nodes")
    county = Client()
    status, hdrs, _ = sign_in(county, ARGS.nginx, "county", ARGS.password)
    check(status == 303, f"sign-in answers 303 (got {status})")
    served = set()
    for _ in range(8):
        status, hdrs, data = county.get(ARGS.nginx + "/")
        served.add(upstream(hdrs))
        if not check(status == 200 and "退出".encode() in data, f"home page signed in via {upstream(hdrs)}"):
            break
    check(served == nodes, f"both nodes served the session ({sorted(served)})")

    print("2. a national export uploaded, checked and applied across nodes")
    county.get(ARGS.nginx + "/imports")
    status, hdrs, sample = county.post_form(ARGS.nginx + "/imports/sample.xlsx", {"reason": "集群测试"})
    check(status == 200 and sample[:2] == b"PK", f"the sample export downloads ({status}, {len(sample)} bytes)")
    county.get(ARGS.nginx + "/imports")
    status, hdrs, _ = county.upload(
        ARGS.nginx + "/imports", {"kind": "national", "quarter": quarter()}, "file", "national.xlsx", sample)
    job = (hdrs.get("Location") or "").rsplit("/", 1)[-1]
    check(status == 303 and len(job) == 36, f"upload accepted as job {job} via {upstream(hdrs)}")
    progress, seen = wait_for_job(county, ARGS.nginx, job, {"checked", "failed"}, 120)
    check(progress.get("phase") == "checked", f"dry run checked {progress.get('rowsRead')} rows: {progress}")
    check(len(seen) == 2, f"progress answered by both nodes ({sorted(seen)})")
    status, _, page = county.get(ARGS.nginx + f"/imports/{job}")
    check(status == 200 and "应用".encode() in page, "the job page shows on whichever node")
    status, hdrs, _ = county.post_form(ARGS.nginx + f"/imports/{job}/apply", {})
    check(status == 303, f"apply accepted via {upstream(hdrs)}")
    progress, _ = wait_for_job(county, ARGS.nginx, job, {"applied", "failed"}, 120)
    check(progress.get("phase") == "applied", f"applied: {progress}")
    check(psql("SELECT count(*) FROM national_imports") == "1", "one national import recorded")

    print("3. an agreement scan uploaded to one node, downloaded from the other")
    status, _, page = county.get(ARGS.a + "/agreements")
    ids = list(dict.fromkeys(re.findall(rb"/agreements/([0-9A-F-]{36})", page)))
    pdf = b"%PDF-1.4\n% cluster test " + os.urandom(2048).hex().encode() + b"\n%%EOF\n"
    uploaded = None
    for raw in ids[:20]:
        agreement = raw.decode()
        county.get(f"{ARGS.a}/agreements/{agreement}")
        status, hdrs, _ = county.upload(f"{ARGS.a}/agreements/{agreement}/scan", {}, "file", "scan.pdf", pdf)
        if status == 303:
            _, _, shown = county.get(f"{ARGS.a}/agreements/{agreement}")
            if "扫描件已上传".encode() in shown or b"SHA-256" in shown:
                uploaded = agreement
                break
    check(uploaded is not None, f"a scan uploaded to node A ({len(ids)} agreements listed)")
    if uploaded:
        status, hdrs, body = county.get(f"{ARGS.b}/agreements/{uploaded}/scan")
        check(status == 200 and body == pdf, f"node B sends the same bytes ({status}, {len(body)} bytes)")

    print("4. 200 concurrent self-reports, all stored")
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(self_report, range(1000, 1200)))
    receipts = [r for s, r, _ in results if s in (200, 201) and r]
    check(len(receipts) == 200, f"200 acknowledged ({len(receipts)}; statuses {sorted(set(s for s, _, _ in results))})")
    check({u for _, _, u in results} == nodes, "both nodes took reports")
    stored = psql("SELECT count(*) FROM self_reports WHERE receipt IN (%s)" % ",".join("'%s'" % r for r in receipts))
    check(stored == str(len(receipts)), f"every acknowledged report is stored ({stored})")

    print("5. 40 wrong passwords over both nodes lock the account once")
    answers = []
    for i in range(40):
        c = Client()
        status, _, data = sign_in(c, ARGS.a if i % 2 == 0 else ARGS.b, "secretary", "wrong-%d" % i)
        answers.append(status)
    let_through = sum(1 for s in answers if s != 429)
    check(let_through <= 10, f"at most 10 guesses a minute reached the password check ({let_through}; {answers})")
    locks = psql("SELECT count(*) FROM audit_entries WHERE username = 'secretary' AND summary LIKE '%，账号锁定%分钟%'")
    check(locks == "1", f"the account locked once ({locks})")

    print("6. the node running an import is killed; the other takes the job over")
    big = national_csv(ARGS.work + "/national.csv", ARGS.work + "/big.csv", 40)
    county.get(ARGS.nginx + "/imports")
    status, hdrs, _ = county.upload(
        ARGS.a + "/imports", {"kind": "national", "quarter": quarter()}, "file", "big.csv", open(big, "rb").read())
    job = (hdrs.get("Location") or "").rsplit("/", 1)[-1]
    check(status == 303 and len(job) == 36, f"a large export uploaded as job {job}")
    owner, phase = "", ""
    deadline = time.time() + 60
    while time.time() < deadline:
        owner, phase = psql(f"SELECT coalesce(owner, ''), phase FROM import_jobs WHERE id = '{job}'").split("|")
        if owner and phase == "checking":
            break
        time.sleep(0.2)
    time.sleep(1)
    check(owner != "" and phase == "checking", f"a node is running it ({owner})")
    pids = {ARGS.pid_a: "A", ARGS.pid_b: "B"}
    victim = ARGS.pid_a if ":%s:" % ARGS.pid_a in owner else ARGS.pid_b
    # Reports keep coming while the node dies: the acknowledged ones must all be stored.
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        later = pool.map(self_report, range(5000, 5200))
        time.sleep(0.2)
        os.kill(int(victim), signal.SIGKILL)
        print(f"  killed node {pids[victim]} (pid {victim}, owner {owner})", flush=True)
        later = list(later)
    acked = [r for s, r, _ in later if s in (200, 201) and r]
    stored = psql("SELECT count(*) FROM self_reports WHERE receipt IN (%s)" % ",".join("'%s'" % r for r in acked))
    check(stored == str(len(acked)) and len(acked) > 100, f"every acknowledged report is stored ({stored} of {len(acked)})")
    survivor = ARGS.b if victim == ARGS.pid_a else ARGS.a
    progress, _ = wait_for_job(county, survivor, job, {"checked", "failed"}, 240)
    final = psql(f"SELECT phase, attempts, coalesce(error, '') FROM import_jobs WHERE id = '{job}'")
    check(progress.get("phase") in ("checked", "failed") and final.split("|")[1] == "2",
          f"taken over by the other node and finished cleanly: {final}")
    check(psql("SELECT count(*) FROM national_imports") == "1", "nothing was applied by the dead node")

    print("cluster test: %s" % ("FAILED: " + "; ".join(FAILURES) if FAILURES else "all checks passed"))
    return 1 if FAILURES else 0


def quarter():
    t = time.gmtime(time.time() + 8 * 3600)
    return "%dQ%d" % (t.tm_year, (t.tm_mon - 1) // 3 + 1)


def national_csv(source, target, copies):
    """The demo's national export repeated `copies` times (repeats are rejected as duplicates but all read)."""
    subprocess.run(
        [ARGS.bin, "generate", "--national-export", source], check=True, capture_output=True,
        env=dict(os.environ, DATABASE_URL=ARGS.db_url, LIUDONG_VAR_DIR=ARGS.work + "/gen"))
    with open(source, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    head = [i for i, l in enumerate(lines) if l.startswith("序号")][0]
    rows = lines[head + 1:]
    with open(target, "w", encoding="utf-8") as out:
        out.write("\n".join(lines[:head + 1]) + "\n")
        for _ in range(copies):
            out.write("\n".join(rows) + "\n")
    return target


if __name__ == "__main__":
    sys.exit(main())

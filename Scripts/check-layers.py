#!/usr/bin/env python3
"""One shape inside every feature (DESIGN §3, issue 26): rules in LiudongCore, SQL in a store, thin pages and API.

Rules over Sources/LiudongApp (landed migrations excepted):
  sql-in-http     no raw SQL or `.query(on:` in *Pages, *API, *Controller or *Feature files
  row-in-func     no Decodable row type declared inside a function
  borrowed-type   no …Controller / …Pages type used outside its own feature folder (the nearest folder holding a
                  *Feature.swift: Services/Requests is one, Services/ is not)
  string-state    no `== "…"` / `!= "…"` on a field named status, state, kind or stage
  big-folder      no feature folder over 1,200 lines or 10 files of its own (not counting sub-folders, migrations,
                  *Demo.swift and *OpenAPI.swift: demo data and API documentation are not what a newcomer reads to
                  follow the feature); App/ (the application's kernel) is not a feature

Strict by default: any finding is printed and fails (exit 1); `make lint` runs it, so a change that breaks the shape
does not land. --warn (or LAYERS_WARN=1) prints the count and exits 0 (LAYERS_VERBOSE=1 lists each finding).
--self-test writes a small tree that breaks each rule once (and one that breaks none) and checks that every rule
fires exactly where it should: the check itself can fail."""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
APP = os.path.join(ROOT, "Sources", "LiudongApp")


def use_root(root):
    """Checks another tree (the self-test's)."""
    global ROOT, APP
    ROOT = root
    APP = os.path.join(root, "Sources", "LiudongApp")

SQL_PATTERNS = [
    re.compile(p)
    for p in (
        r"\.raw\(",
        r"\.query\(on:",
        r"\bsql\.select\(\)",
        r"\.insert\(into:",
        r"\.delete\(from:",
        r"\bsql\.update\(\"",
        r"\btx\.update\(\"",
    )
]
HTTP_FILE = re.compile(r"(Pages|API|Controller|APIController|Feature)\.swift$")
TYPE_DECL = re.compile(r"^\s*(?:private |fileprivate |public |internal |final )*(?:struct|enum|class|actor)\s+(\w+)")
DECODABLE_DECL = re.compile(
    r"^\s*(?:private |fileprivate )?struct\s+\w+\s*:\s*[^{]*\b(Decodable|Codable|Content)\b")
FUNC_OPEN = re.compile(r"(?<![.\w])(func\s+\w+|init\??\s*[(<])")
STATE_COMPARE = re.compile(r"\b(status|state|kind|stage)(?:\.rawValue)?\s*[!=]=\s*\"")
BORROWED = re.compile(r"\b(\w+(?:Controller|Pages))\b")


MAX_LINES = 1200
MAX_FILES = 10


def feature_folder(path):
    """The nearest folder above `path` (relative to APP) that holds a *Feature.swift; its top-level folder if none."""
    d = os.path.dirname(path)
    while os.path.relpath(d, APP) != ".":
        if any(n.endswith("Feature.swift") for n in os.listdir(d)):
            return os.path.relpath(d, APP)
        d = os.path.dirname(d)
    return os.path.relpath(path, APP).split(os.sep)[0]


def big_folders():
    out = []
    for dirpath, _, names in os.walk(APP):
        rel = os.path.relpath(dirpath, APP)
        if rel == "." or rel.split(os.sep)[0] == "App" or "Migrations" in rel.split(os.sep):
            continue
        files = [n for n in names if n.endswith(".swift")]
        if not any(n.endswith("Feature.swift") for n in files):
            continue
        counted = [n for n in files if not (n.endswith("Demo.swift") or n.endswith("OpenAPI.swift"))]
        lines = 0
        for n in counted:
            with open(os.path.join(dirpath, n), encoding="utf-8") as f:
                lines += sum(1 for _ in f)
        if lines > MAX_LINES or len(files) > MAX_FILES:
            out.append(f"{os.path.join('Sources', 'LiudongApp', rel)}: {lines} lines in {len(files)} files")
    return out


def swift_files():
    for dirpath, _, names in os.walk(APP):
        if "/Migrations" in dirpath.replace(os.sep, "/") + "/":
            continue
        for n in sorted(names):
            if n.endswith(".swift"):
                yield os.path.join(dirpath, n)


def strip_comments_and_strings(line):
    """The code of a line without // comments (strings are kept: the state rule reads them)."""
    out, in_str, i = [], False, 0
    while i < len(line):
        c = line[i]
        if c == '"' and (i == 0 or line[i - 1] != "\\"):
            in_str = not in_str
        if not in_str and line.startswith("//", i):
            break
        out.append(c)
        i += 1
    return "".join(out)


def check():
    findings = {"sql-in-http": [], "row-in-func": [], "borrowed-type": [], "string-state": [], "big-folder": []}
    files = list(swift_files())
    # Where each Controller / Pages type is declared (its feature folder).
    home = {}
    for path in files:
        folder = feature_folder(path)
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = TYPE_DECL.match(line)
                if m and (m.group(1).endswith("Controller") or m.group(1).endswith("Pages")):
                    home.setdefault(m.group(1), folder)
    for path in files:
        rel = os.path.relpath(path, ROOT)
        folder = feature_folder(path)
        http = HTTP_FILE.search(os.path.basename(path)) is not None
        depth = 0
        func_depths = []  # brace depths at which a function body opened
        pending_func = False
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
        for number, raw in enumerate(lines, 1):
            code = strip_comments_and_strings(raw)
            if http and any(p.search(code) for p in SQL_PATTERNS):
                findings["sql-in-http"].append(f"{rel}:{number}: {raw.strip()[:100]}")
            if func_depths and DECODABLE_DECL.match(code):
                findings["row-in-func"].append(f"{rel}:{number}: {raw.strip()[:100]}")
            if STATE_COMPARE.search(code):
                findings["string-state"].append(f"{rel}:{number}: {raw.strip()[:100]}")
            for m in BORROWED.finditer(code):
                name = m.group(1)
                if name in home and home[name] != folder:
                    findings["borrowed-type"].append(f"{rel}:{number}: {name} (from {home[name]}/)")
                    break
            if FUNC_OPEN.search(code):
                pending_func = True
            for c in code:
                if c == "{":
                    depth += 1
                    if pending_func:
                        func_depths.append(depth)
                        pending_func = False
                elif c == "}":
                    if func_depths and func_depths[-1] == depth:
                        func_depths.pop()
                    depth -= 1
    findings["big-folder"] = big_folders()
    return findings


def self_test():
    import tempfile

    files = {
        # One finding of each rule, each in its own feature folder.
        "Sql/SqlFeature.swift": "struct SqlFeature { func f() { _ = Thing.query(on: db) } }\n",
        "Rows/RowsFeature.swift": "struct RowsFeature {}\n",
        "Rows/RowsStore.swift": "enum RowsStore {\n    static func f() {\n        struct Row: Decodable { var id: Int }\n    }\n}\n",
        "Own/OwnFeature.swift": "struct OwnFeature {}\n",
        "Own/OwnPages.swift": "struct OwnPages {}\n",
        "Borrow/BorrowFeature.swift": "struct BorrowFeature { let p = OwnPages() }\n",
        "State/StateFeature.swift": "struct StateFeature {}\n",
        "State/StateStore.swift": 'enum StateStore { static func f(_ r: R) -> Bool { r.status == "pending" } }\n',
        "Big/BigFeature.swift": "struct BigFeature {}\n",
        # A demo and migrations are not counted; comments and strings are not code.
        "Fine/FineFeature.swift": "struct FineFeature {}\n// Thing.query(on: db) in a comment\n",
        "Fine/FineStore.swift": 'enum FineStore { static let s = ".query(on: x)"; static func f() {} }\n',
        "Fine/Migrations/0001_Create.swift": "struct Create { func p() { struct Row: Decodable {} } }\n",
    }
    for i in range(11):
        files[f"Big/Part{i}.swift"] = "enum Part{} {{}}\n".format(i)
    expected = {"sql-in-http": "Sql/", "row-in-func": "Rows/", "borrowed-type": "Borrow/", "string-state": "State/",
                "big-folder": "Big"}
    with tempfile.TemporaryDirectory() as root:
        for name, text in files.items():
            path = os.path.join(root, "Sources", "LiudongApp", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        use_root(root)
        findings = check()
    bad = []
    for rule, where in expected.items():
        got = findings[rule]
        if len(got) != 1 or where not in got[0]:
            bad.append(f"{rule}: expected one finding in {where}, got {got}")
    if bad:
        print("layers self-test FAILED:\n  " + "\n  ".join(bad))
        return 1
    print("layers self-test: each rule fires once where it should, nowhere else")
    return 0


def main():
    if "--self-test" in sys.argv:
        return self_test()
    strict = not ("--warn" in sys.argv or os.environ.get("LAYERS_WARN") == "1")
    findings = check()
    total = sum(len(v) for v in findings.values())
    if total == 0:
        print("layers: every feature keeps one shape")
        return 0
    word = "FAIL" if strict else "to do"
    print(f"layers ({word}): {total} findings — " + ", ".join(f"{k} {len(v)}" for k, v in findings.items()))
    if strict or os.environ.get("LAYERS_VERBOSE") == "1":
        for k, v in findings.items():
            for item in v:
                print(f"  [{k}] {item}")
    else:
        print("  (LAYERS_VERBOSE=1 lists them; without --warn the check fails on them)")
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main())

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

Warning mode by default: prints what is left to move (the to-do list) and exits 0. With --strict (or
LAYERS_STRICT=1) any finding fails. `make lint` runs it."""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
APP = os.path.join(ROOT, "Sources", "LiudongApp")

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


def main():
    strict = "--strict" in sys.argv or os.environ.get("LAYERS_STRICT") == "1"
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
        print("  (LAYERS_VERBOSE=1 lists them; Scripts/check-layers.py --strict fails on them)")
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main())

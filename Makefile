# Liudong — `make run` serves the demo, `make test` runs every test.
SWIFT        ?= swift
HOST         ?= 127.0.0.1
PORT         ?= 8080
CONFIG       ?= debug
BIN          := .build/$(CONFIG)/liudong
# What building, running and testing need from Debian (Swift itself lives in /opt/swift).
SYSTEM_PACKAGES := python3 sqlite3 libsqlite3-dev zlib1g-dev pkg-config libqrencode-dev libxlsxwriter-dev curl wrk bc time
# A Python that can drive Chromium for the browser test (Debian's python3-selenium, or selenium from PyPI).
PYTHON_SELENIUM := $(shell for p in python3 /usr/bin/python3; do $$p -c 'import selenium' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test test-dates cluster-test lint e2e bench fuzz build deps serve demo migrate clean help

help:
	@echo "make run    build, migrate, load the demo when empty, serve on http://$(HOST):$(PORT)"
	@echo "make test   every test (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)"
	@echo "make test-dates  the Swift suite and browser tests with the clock moved (LIUDONG_TODAY) to each hard day"
	@echo "make lint   swift format lint --strict, no landed migration edited, no clock read but AppClock, the layers' to-do list"
	@echo "make build  build only (CONFIG=release for an optimized build)"
	@echo "make fuzz   libFuzzer over the upload readers for FUZZ_SECONDS (300); crashing inputs become regression fixtures"
	@echo "make cluster-test  two app nodes behind nginx on one PostgreSQL (TEST_DATABASE_URL's server, else its own)"
	@echo "make bench  release build; self-report rate, ledger pages/export at 1M members, import + reconciliation at 1M rows"

deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Missing system packages. Run as root:"; echo "  apt-get install -y$$missing"; exit 1; fi; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "Swift is not on PATH (expected /opt/swift/usr/bin)"; exit 1; }

build: deps
	$(SWIFT) build -c $(CONFIG)

migrate: build
	$(BIN) migrate --yes

demo: build
	$(BIN) demo --if-empty

run: build
	@$(BIN) migrate --yes >/dev/null
	@$(BIN) demo --if-empty
	@echo ""
	@echo "Liudong 流动党员之家 is starting on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo "Database: $${DATABASE_URL:+PostgreSQL (DATABASE_URL)}$${DATABASE_URL:-SQLite $${LIUDONG_SQLITE_PATH:-var/liudong.sqlite}}"
	@echo ""
	$(BIN) serve --hostname $(HOST) --port $(PORT)

test: deps
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== Tests run on SQLite and on PostgreSQL (TEST_DATABASE_URL is set)"; \
	 else echo "== Tests run on SQLite (set TEST_DATABASE_URL to run them on PostgreSQL too)"; fi
	@$(MAKE) --no-print-directory lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory e2e

# Several nodes for real (README "Production"): PostgreSQL, two app nodes and nginx round-robin on 127.0.0.1; needs
# nginx and PostgreSQL (`.ci/run` installs both and runs this after `make test`).
cluster-test: deps
	$(SWIFT) build
	@Scripts/cluster-test.sh

# The date sweep: every test on the hard days of the calendar (quarter ends and starts, the new year, Spring Festival,
# National Day, 29 February, a Sunday worked), the app's clock moved by LIUDONG_TODAY. TEST_DATES="…" picks the days.
test-dates: deps
	$(SWIFT) build --build-tests
	@PYTHON_SELENIUM=$(PYTHON_SELENIUM) Scripts/test-dates.sh

# Checks that need no build: the committed formatting (.swift-format), that no landed migration was edited, that
# nothing reads the system clock except the one clock (AppClock), and that every feature keeps the one shape (the
# layers check fails on any finding; its self-test first shows that each of its rules can fire).
lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift
	@Scripts/check-migrations.sh
	@Scripts/check-clock.sh
	@python3 Scripts/check-layers.py --self-test
	@python3 Scripts/check-layers.py

# The browser test: runs when Chromium, chromedriver and selenium are present; required when LIUDONG_CI=1.
e2e:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null && [ -n "$(PYTHON_SELENIUM)" ]; then \
	  echo "== Browser test (Chromium 375x812): phone report -> secretary confirms"; \
	  $(PYTHON_SELENIUM) Tests/e2e/selfreport_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium): national export upload -> dry run -> apply -> reconcile -> resolve -> archive" && \
	  $(PYTHON_SELENIUM) Tests/e2e/reconcile_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 1280 and 375): every demo account's home page opens with its worklist (待办)" && \
	  $(PYTHON_SELENIUM) Tests/e2e/worklist_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 375): activation code -> member activates -> cadre logs a contact -> member confirms -> compliance" && \
	  $(PYTHON_SELENIUM) Tests/e2e/pairing_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 1280 and 375): county signs an agreement, uploads the scan -> inflow confirms -> coverage rises" && \
	  $(PYTHON_SELENIUM) Tests/e2e/network_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 375): member checks in to an inflow theme day by code -> home branch sees it; weekly quiz score" && \
	  $(PYTHON_SELENIUM) Tests/e2e/learning_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 375): member files a 返乡预报 -> branch holds a session adding a member off the list -> six-month alert clears" && \
	  $(PYTHON_SELENIUM) Tests/e2e/homevisit_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 375): member applies for a transfer on /my -> branch consents, committee issues -> report, receipt, archive -> new branch" && \
	  $(PYTHON_SELENIUM) Tests/e2e/transfer_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 375): secretary records a contact -> member's inbox says 请确认 with a link -> member confirms from it -> group list" && \
	  $(PYTHON_SELENIUM) Tests/e2e/notify_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 375): member sees 党费 due -> inflow records the payment -> home branch sheet shows it -> a second is refused" && \
	  $(PYTHON_SELENIUM) Tests/e2e/dues_e2e.py .build/debug/liudong test-artifacts && \
	  echo "== Browser test (Chromium 375): member raises a request -> inflow accepts and answers -> member rates -> home archive" && \
	  $(PYTHON_SELENIUM) Tests/e2e/services_e2e.py .build/debug/liudong test-artifacts; \
	elif [ "$$LIUDONG_CI" = 1 ]; then echo "Browser test required in CI but Chromium/chromedriver/selenium are missing"; exit 1; \
	else echo "== Browser test skipped (install chromium chromium-driver python3-selenium to run it)"; fi

# Fuzzing: the .xlsx/CSV readers behind every upload (Fuzz/run.sh); CI runs it for 60 s.
fuzz: deps
	Fuzz/run.sh

# Benchmarks: release build (its own scratch folder), SQLite, the demo; figures beside a same-run baseline.
bench: deps
	$(SWIFT) build -c release --scratch-path .build-release
	Benchmarks/selfreport.sh .build-release/release/liudong
	Benchmarks/ledger.sh .build-release/release/liudong
	Benchmarks/reconcile.sh .build-release/release/liudong
	Benchmarks/points.sh .build-release/release/liudong
	Benchmarks/roster.sh .build-release/release/liudong
	Benchmarks/dues.sh .build-release/release/liudong
	Benchmarks/uploads.sh .build-release/release/liudong

clean:
	rm -rf .build

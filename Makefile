# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test build setup system-deps bench clean lint lock
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# system-deps first: pip compiles berkeleydb against Debian's libdb headers. The versions come
# from requirements.lock (`make lock` writes it from pyproject.toml), the project itself after.
$(BIN)/techniekpact: pyproject.toml requirements.lock | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	-git config core.hooksPath .githooks 2>/dev/null
	touch $@

# After a change of dependencies in pyproject.toml: pin every package, test extras included.
lock: setup
	$(BIN)/pip-compile --quiet --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock pyproject.toml

# ruff's lint and format check (settings in pyproject.toml); `ruff format .` fixes the format.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: $(BIN)/techniekpact system-deps

# Debian packages the tests need: headless Chromium and its driver (browser tests),
# Virtuoso (remote-store tests), wrk (benchmarks), Berkeley DB's headers (the rdflib peer's
# store, pip package berkeleydb). Installed only when missing.
system-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v wrk >/dev/null && \
	  command -v virtuoso-t >/dev/null && [ -f /usr/include/db.h ] || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	      chromium chromium-driver wrk virtuoso-opensource libdb-dev >/dev/null; }

build: setup
	$(BIN)/techniekpact build --store $(STORE)

run: build
	$(BIN)/techniekpact serve --store $(STORE) --host $(HOST) --port $(PORT)

test: build lint
	$(BIN)/python -m pytest -q

bench: build
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.run --scales 1,10

clean:
	rm -rf $(VENV) var

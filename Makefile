# Two commands do all set-up on a fresh machine: `make test` and `make demo`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: setup test demo bench chromium postgresql clean

setup: $(STAMP) chromium

# Re-installs only when pyproject.toml changes (the install is editable).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Installs a Debian package when the check (a shell command) fails: as root with apt,
# otherwise with a clear message. $(1): the check, $(2): the package.
define debian_package
	@if ! $(1) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's $(2) (apt)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "Debian's $(2) is missing and this is not root: run 'sudo apt-get install -y $(2)', then make again" >&2; \
	    exit 1; \
	  fi; \
	fi
endef

# Debian's Chromium, driven by Playwright (its own browser download cannot work here).
chromium:
	$(call debian_package,test -x $(CHROMIUM),chromium)

# Debian's PostgreSQL, for the tests of the store on PostgreSQL (`--db URL`); the tests
# start their own private server, so nothing is configured here.
postgresql:
	$(call debian_package,ls /usr/lib/postgresql/*/bin/initdb,postgresql)

test: setup postgresql
	$(BIN)/python -m pytest $(PYTEST_ARGS)

demo: setup
	$(BIN)/python -m crawler.demo

clean:
	rm -rf $(VENV) output/demo

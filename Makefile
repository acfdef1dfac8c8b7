# The two commands of README.md. Each sets up what it needs on a fresh machine (a virtual environment
# in .venv with the project installed) and does nothing more when it is already there.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test bench bench-scale audit clean chromium

demo: $(STAMP)
	$(VENV)/bin/ooh ingest
	$(VENV)/bin/ooh timeline "medical records"
	$(VENV)/bin/ooh report

test: $(STAMP) chromium
	$(VENV)/bin/python -m pytest

# The report's browser test opens the built site in the system's headless Chromium (Debian's package; the
# test fails, never skips, without it).
chromium:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the report's browser test"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "The report's browser test needs Chromium: install Debian's chromium package" >&2; exit 1; }

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/parse_throughput.py

# Not part of the tests: minutes of work and gigabytes of scratch files (see each script's docstring).
bench-scale: $(STAMP)
	$(VENV)/bin/python benchmarks/scale.py

audit: $(STAMP)
	$(VENV)/bin/python scripts/audit.py

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "): set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf $(VENV) data

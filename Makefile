# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test browser bench bench-profile bench-repair bench-lines bench-real clean-venv lock

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## run: install, then build a release of raw/ into output/
run: $(STAMP)
	$(BIN)/jingwen run --raw raw --out output

## test: install (and Debian's chromium, for the report test), then run the test suite
test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

## browser: Debian's chromium, which tests/test_report.py renders report.html in
browser:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium (report test)"; \
	  $(SUDO) apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium >/dev/null; }

## bench: the speed benchmark on a generated corpus of 20,000 raw scrapes (about 6 minutes)
bench: $(STAMP)
	$(BIN)/python bench/speed_bench.py

## bench-profile: the same on 4,000 documents, with pyinstrument's profile of the core
bench-profile: $(STAMP)
	$(BIN)/python bench/speed_bench.py --n 4000 --sample 1000 --profile

## bench-repair: the repair benchmark on today's text (../shared devset pages and checklists, gold records)
bench-repair: $(STAMP)
	$(BIN)/python bench/repair_bench.py

## bench-real: quality on real scrapes (../shared devset and labelled lines; leave-sources-out figures)
bench-real: $(STAMP)
	$(BIN)/python bench/real_bench.py

## bench-lines: the line classifier and metadata on the labelled pages of tests/data/pages
bench-lines: $(STAMP)
	$(BIN)/python bench/lines_bench.py

## lock: re-resolve the pinned versions in constraints.txt (needs the registry)
lock:
	rm -rf /tmp/jingwen-lock && $(PYTHON) -m venv /tmp/jingwen-lock
	/tmp/jingwen-lock/bin/pip install --quiet -e '.[test]' 'fastapi<0.151'
	/tmp/jingwen-lock/bin/pip freeze --all --exclude-editable | grep -v '^-e\|^pip==' > constraints.txt  # --all: setuptools too

clean-venv:
	rm -rf $(VENV)

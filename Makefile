# kaisei: `make demo` and `make test` each create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help venv demo run test model bench clean

help:
	@echo "make demo   serve the offline sample site, crawl it into a fresh SQLite db and show the result"
	@echo "make run    crawl the real regulators into the default database and list the updates"
	@echo "make test   run the whole test suite (PostgreSQL half when KAISEI_TEST_DATABASE_URL is set)"
	@echo "make model  rebuild the tagger's spaCy pipeline from the corpus"
	@echo "make bench  run the benchmarks in bench/"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m crawlers.demo

run: $(STAMP)
	$(BIN)/kaisei crawl; status=$$?; $(BIN)/kaisei updates; exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest

model: $(STAMP)
	$(BIN)/python -m tracker.tagger.train

bench: $(STAMP)
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/tagger.py
	$(BIN)/python bench/tui.py
	$(BIN)/python bench/track_queue.py
	$(BIN)/python bench/digest.py

clean:
	rm -rf $(VENV) .pytest_cache .demo var

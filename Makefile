# Two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
SRC := custom_components simulator tests scripts

.PHONY: venv lint format pytest pytest-latest test demo bench e2e card-shot clean

venv:
	@scripts/bootstrap.sh

lint: venv
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy custom_components/enedis_gateway simulator

format: venv
	$(BIN)/ruff format $(SRC)
	$(BIN)/ruff check --fix $(SRC)

# One worker per core: most of the time goes to the recorder writing statistics.
# The tests take milliseconds to minutes: a worker whose queue is empty takes half
# of the other's (work stealing) instead of waiting for it to end.
pytest: venv
	$(BIN)/pytest -q -n auto --dist worksteal

# The same tests on the newest Home Assistant pytest-homeassistant-custom-component
# supports (Python 3.14: a Debian sid chroot in .chroot/ is built the first time).
pytest-latest:
	@scripts/bootstrap_latest.sh
	scripts/latest.sh pytest -q -n auto --dist worksteal

# Both Home Assistant versions, one after the other: each pass takes both cores.
test: lint pytest pytest-latest e2e

# A real Home Assistant with the integration set up on http://127.0.0.1:8123 (Ctrl-C stops);
# `make demo HA=latest` runs it on the newest Home Assistant (the tests' Python 3.14 setup),
# `make demo GATEWAY=med2` through MyElectricalData's new API (GATEWAY=original, med1 too).
DEMO_ARGS := $(if $(GATEWAY),--gateway $(GATEWAY))
demo:
ifeq ($(HA),latest)
	@scripts/bootstrap_latest.sh requirements_demo_latest.txt
	scripts/latest.sh scripts.demo $(DEMO_ARGS)
else
	@scripts/bootstrap.sh requirements_demo.txt
	$(BIN)/python -m scripts.demo $(DEMO_ARGS)
endif

# The demo on other ports, driven in Debian's chromium (installed with apt if missing).
e2e:
	@scripts/bootstrap.sh requirements_demo.txt requirements_e2e.txt
	$(BIN)/python -m scripts.e2e

# The real content-card-linky (CARD=path/to/content-card-linky.js; by default the card's
# checkout on this machine, read with git show) on a demo in .card/, checked in chromium:
# writes docs/screenshots/card-tempo.png.
card-shot:
	@scripts/bootstrap.sh requirements_demo.txt requirements_e2e.txt
	$(BIN)/python -m scripts.card_shot $(if $(CARD),--card $(CARD))

# Calls, compute, storage, statistics, event loop and memory against the limits (about 2 min;
# Home Assistant boots with its default frontend, hence the demo requirements).
bench:
	@scripts/bootstrap.sh requirements_demo.txt
	$(BIN)/python -m scripts.bench

clean:
	rm -rf .demo .e2e .bench .card

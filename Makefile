# The README's two commands: `make run` and `make test`; `make bench` times the app.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PACKAGE_STAMP := $(VENV)/.installed-package
APP_ID := org.spstracker.SPSTracker
# Where `make install-desktop` puts the desktop entry, metainfo and icons.
DATA_HOME ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
FROZEN := dist/pyinstaller/sps-tracker
# Folders that exist yet (benchmarks/ arrives with its own issue).
LINTED := $(wildcard sps_tracker tests benchmarks packaging)

.PHONY: run test lint typecheck pytest bench clean dist package package-test icons \
	validate-desktop install-desktop uninstall-desktop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

$(PACKAGE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[package]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/sps-tracker

lint: $(TEST_STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck: $(TEST_STAMP)
	$(BIN)/mypy sps_tracker

pytest: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

test: lint typecheck pytest

# Ratios against bare baselines, one line each; fails when a budget is missed (docs/performance.md).
bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

# The wheel and sdist in dist/; the wheel carries resources/ as sps_tracker/resources.
dist: $(TEST_STAMP)
	rm -f dist/sps_tracker-*
	$(BIN)/python -m build --outdir dist .
	@ls -l dist/sps_tracker-*

# The frozen one-folder program in dist/pyinstaller/sps-tracker/.
package: $(PACKAGE_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist/pyinstaller --workpath build/pyinstaller \
		packaging/pyinstaller/sps-tracker.spec
	@du -sh $(FROZEN)

package-test: package
	cd /tmp && $(CURDIR)/$(FROZEN)/sps-tracker --version
	cd /tmp && $(CURDIR)/$(FROZEN)/sps-tracker --self-test

# Re-render the PNG icons from resources/icons/$(APP_ID).svg.
icons: $(STAMP)
	$(BIN)/python packaging/linux/render_icons.py

validate-desktop:
	desktop-file-validate packaging/linux/$(APP_ID).desktop
	appstreamcli validate --no-net packaging/linux/$(APP_ID).metainfo.xml

# The desktop entry points at this checkout's venv, so the menu starts this copy.
install-desktop: $(STAMP)
	install -d $(DATA_HOME)/applications $(DATA_HOME)/metainfo \
		$(DATA_HOME)/icons/hicolor/scalable/apps
	sed 's|^Exec=sps-tracker|Exec=$(abspath $(BIN))/sps-tracker|' \
		packaging/linux/$(APP_ID).desktop > $(DATA_HOME)/applications/$(APP_ID).desktop
	install -m 644 packaging/linux/$(APP_ID).metainfo.xml $(DATA_HOME)/metainfo/
	install -m 644 resources/icons/$(APP_ID).svg $(DATA_HOME)/icons/hicolor/scalable/apps/
	cd packaging/linux/icons && for png in hicolor/*/apps/$(APP_ID).png; do \
		install -D -m 644 $$png $(DATA_HOME)/icons/$$png; done
	-command -v update-desktop-database >/dev/null && \
		update-desktop-database -q $(DATA_HOME)/applications
	-command -v gtk-update-icon-cache >/dev/null && \
		gtk-update-icon-cache -q -t $(DATA_HOME)/icons/hicolor
	@echo "Installed $(APP_ID) into $(DATA_HOME)"

uninstall-desktop:
	rm -f $(DATA_HOME)/applications/$(APP_ID).desktop $(DATA_HOME)/metainfo/$(APP_ID).metainfo.xml
	rm -f $(DATA_HOME)/icons/hicolor/*/apps/$(APP_ID).png \
		$(DATA_HOME)/icons/hicolor/scalable/apps/$(APP_ID).svg

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

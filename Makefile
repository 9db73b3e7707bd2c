# Indsats: the two commands a newcomer needs are `make run` and `make test`.
# Each installs what it needs (Debian/Ubuntu packages, with sudo when not root).

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build needs: a C compiler for the bundled SQLCipher, and libcrypto for it;
# WebKitGTK and friends for the Tauri window; poppler-utils (pdftoppm, pdftotext, pdfinfo) for the
# PDF tests; sqlite3 for the benchmark that compares the dashboard with hand-written SQL; python3
# with venv for the WebDAV test server; Xvfb and WebKitWebDriver for the end-to-end tests.
APT_PACKAGES := build-essential pkg-config libssl-dev file \
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev \
  poppler-utils sqlite3 python3 python3-venv xvfb xauth webkit2gtk-driver \
  libdbus-1-dev dbus gnome-keyring x11-apps

# Node.js builds the window's front end (Vite 8 needs 20.19 or newer).
NODE_MIN := 20.19
# Test tools built from source (tauri-driver; s3s-fs in scripts/sync-servers.sh) live in a per-user
# cache outside the clone, one folder per version, so that a new clone reuses them.
TOOLS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/indsats/tools
TAURI_DRIVER_VERSION := 2.1.0
TOOLS := $(TOOLS_CACHE)/tauri-driver-$(TAURI_DRIVER_VERSION)
TAURI_DRIVER := $(TOOLS)/bin/tauri-driver
# The end-to-end harness (tests/e2e) finds tauri-driver here.
export TAURI_DRIVER
export INDSATS_TOOLS := $(TOOLS_CACHE)

# The test build is also the lint: clippy's driver compiles the workspace's own crates (lints, then
# code, in one pass; warnings are errors), so the dependencies are compiled once for both instead of
# once for `cargo clippy` and again for the tests (that was 15 of a clean run's 55 minutes). Every
# workspace build of `make test` uses the same setting, so none of them recompiles another's crates.
CLIPPY_DRIVER = $(shell rustup which clippy-driver 2>/dev/null || command -v clippy-driver)
LINTED = RUSTC_WORKSPACE_WRAPPER="$(CLIPPY_DRIVER)" CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
XVFB := xvfb-run -a -s "-screen 0 1400x900x24"

# `make run` keeps its demo store here (git ignores it). The passphrase protects demo data only.
DEMO_DIR ?= $(CURDIR)/.demo-data
DEMO_PASSPHRASE ?= demo-passphrase-2029
DEMO_PARTICIPANTS ?= 5000

.PHONY: deps node ui-deps ui ui-test run test lint bench bench-app clean-demo sync-servers sync-servers-stop e2e e2e-deps package package-check

## deps: install what is missing (apt packages; checks the Rust toolchain)
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install Rust 1.90 or newer (https://rustup.rs), then run make again."; exit 1; }
	@$(CARGO) --version
	@command -v rustup >/dev/null && ! rustup which clippy-driver >/dev/null 2>&1 && rustup component add clippy rustfmt || true

## node: Node.js and npm (Debian's when missing; the version is checked)
node:
	@command -v npm >/dev/null || { echo "Installing Node.js"; $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); const [x,y]="$(NODE_MIN)".split(".").map(Number); if (a<x||(a===x&&b<y)) { console.error("Node.js "+process.versions.node+" is too old: install $(NODE_MIN) or newer (https://nodejs.org), then run make again."); process.exit(1) }'

## ui-deps: the front end's packages, exactly as package-lock.json pins them
ui-deps: node ui/node_modules/.stamp
ui/node_modules/.stamp: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

## ui: the built front end (ui/dist), which the app binary embeds
ui: ui-deps
	cd ui && npm run build

## ui-test: type checks (svelte-check, a11y warnings included) and the front end's unit tests
ui-test: ui-deps
	cd ui && npm run check
	cd ui && npm test

## run: builds the app (release, front end embedded) and opens it
run: deps ui
	$(CARGO) build --release -p indsats-desktop
	./target/release/indsats-desktop

## package: the .deb (Tauri bundler) in target/release/bundle/deb/
package: deps ui-deps
	$(CARGO) build --release -p indsats-cli
	mkdir -p target/bundle-cli && cp target/release/indsats target/bundle-cli/indsats
	ui/node_modules/.bin/tauri build --bundles deb
	@ls -l target/release/bundle/deb/*.deb

## package-check: the bundler's settings, checked in `make test` by packaging the debug build (a
## few seconds, no release build): the .deb is made, depends on libssl3, and has a menu entry
package-check: deps ui-deps
	$(LINTED) $(CARGO) build -p indsats-desktop -p indsats-cli
	@# What ships has no test switches: the names are not even in the binaries, and the CLI
	@# given INDSATS_NOW records the real time.
	@for b in target/debug/indsats-desktop target/debug/indsats; do \
	  if grep -a -q -e INDSATS_NOW -e INDSATS_TODAY -e INDSATS_FAST_KDF $$b; then echo "package-check: $$b holds a test switch"; exit 1; fi; done
	@d=$$(mktemp -d) && \
	  INDSATS_PASSPHRASE=package-check-pass INDSATS_NOW=2001-01-01T00:00:00Z target/debug/indsats --data-dir $$d/data --json init >/dev/null && \
	  INDSATS_PASSPHRASE=package-check-pass INDSATS_NOW=2001-01-01T00:00:00Z target/debug/indsats --data-dir $$d/data --json audit --limit 1 | grep -q '"at": *"20[2-9]' && \
	  rm -rf $$d && echo "package-check: a build without test-switches ignores INDSATS_NOW" || \
	  { rm -rf $$d; echo "package-check: a build without test-switches honoured INDSATS_NOW"; exit 1; }
	rm -rf target/debug/bundle
	@# The .deb carries the CLI as /usr/bin/indsats (tauri.conf.json: bundle.linux.deb.files).
	mkdir -p target/bundle-cli && cp target/debug/indsats target/bundle-cli/indsats
	ui/node_modules/.bin/tauri bundle --debug --bundles deb
	@deb=$$(ls target/debug/bundle/deb/*.deb) && \
	  dpkg-deb --fsys-tarfile "$$deb" | tar -tf - | grep -q -x -E '(\./)?usr/bin/indsats' && \
	  dpkg-deb -f "$$deb" Depends | grep -q libssl3 && \
	  dpkg-deb --fsys-tarfile "$$deb" | tar -tf - | grep -q 'usr/share/applications/Indsats.desktop' && \
	  dpkg-deb --fsys-tarfile "$$deb" | tar -xOf - usr/share/applications/Indsats.desktop | grep -q '^Categories=Office;' && \
	  echo "package-check: $$deb has the CLI, its depends, its menu entry and category" || \
	  { echo "package-check: the .deb is missing the CLI, its depends, menu entry or category"; exit 1; }

## demo-cli: a demo store (made once) and `indsats status` on it, through the command line
demo-cli: deps
	$(CARGO) build --release -p indsats-cli
	@if [ ! -f "$(DEMO_DIR)/key.json" ]; then \
	  echo "Making a demo store with $(DEMO_PARTICIPANTS) synthetic participants in $(DEMO_DIR)"; \
	  INDSATS_PASSPHRASE='$(DEMO_PASSPHRASE)' ./target/release/indsats --data-dir "$(DEMO_DIR)" --role admin --user demo \
	    demo --participants $(DEMO_PARTICIPANTS); \
	fi
	INDSATS_PASSPHRASE='$(DEMO_PASSPHRASE)' ./target/release/indsats --data-dir "$(DEMO_DIR)" --user demo --role team_lead status

## sync-servers: the WebDAV (wsgidav) and S3 (s3s-fs) test servers on 127.0.0.1; the first run
## makes a Python venv and compiles s3s-fs (a few minutes). Stop them with `make sync-servers-stop`.
sync-servers: deps
	scripts/sync-servers.sh start

sync-servers-stop:
	scripts/sync-servers.sh stop

## test: every test (unit, integration, CLI, front end, sync against real servers, the app
## end to end under Xvfb with accessibility checks), after format and lint
test: deps ui ui-test sync-servers
	$(CARGO) fmt --all -- --check
	@test -x "$(CLIPPY_DRIVER)" || { echo "clippy is missing: rustup component add clippy"; exit 1; }
	$(LINTED) $(CARGO) test --workspace --exclude indsats-e2e --all-targets --no-run
	$(LINTED) $(CARGO) test --workspace --exclude indsats-e2e --lib --bins --tests --no-fail-fast
	$(LINTED) $(CARGO) test --workspace --exclude indsats-e2e --doc
	$(MAKE) e2e
	$(MAKE) package-check

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## e2e-deps: tauri-driver (the WebDriver bridge to the app), in the per-user tools cache
e2e-deps: $(TAURI_DRIVER)
$(TAURI_DRIVER):
	@# A debug build compiles in a third of the time, and a WebDriver bridge needs no speed.
	$(CARGO) install --locked --debug tauri-driver --version $(TAURI_DRIVER_VERSION) --root $(TOOLS)

## e2e: the real app binary in a real WebKit window under Xvfb, one scenario at a time;
## screenshots in target/e2e-screenshots
e2e: deps ui e2e-deps
	$(LINTED) $(CARGO) build -p indsats-desktop -p indsats-cli --features indsats-desktop/test-switches,indsats-cli/test-switches
	$(LINTED) $(XVFB) $(CARGO) test -p indsats-e2e --tests -- --test-threads=1

## bench: criterion benchmarks in release mode (see docs/BENCHMARKS.md), then the app's cold start
## and memory with the municipal demo data
bench: deps
	$(CARGO) bench -p indsats-api -p indsats-store -p indsats-export -p indsats-sync --benches
	$(MAKE) bench-app
	@echo; echo "Summary (also in target/bench-data/summary.txt):"; tail -n 20 target/bench-data/summary.txt 2>/dev/null || true

## bench-app: the release app under Xvfb: cold start to an interactive overview and PSS of the
## app with its WebKit processes, 5,000 demo participants
bench-app: deps ui e2e-deps
	$(CARGO) build --release -p indsats-desktop
	INDSATS_E2E_APP=$(CURDIR)/target/release/indsats-desktop $(XVFB) $(CARGO) test -p indsats-e2e --test measure -- --ignored --nocapture --test-threads=1

clean-demo:
	rm -rf "$(DEMO_DIR)"

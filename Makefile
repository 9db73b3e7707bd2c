# Indsats: the two commands a newcomer needs are `make run` and `make test`.
# Each installs what it needs (Debian/Ubuntu packages, with sudo when not root).

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build needs: a C compiler for the bundled SQLCipher, and libcrypto for it;
# poppler-utils (pdftoppm, pdftotext, pdfinfo) for the PDF tests; sqlite3 for the benchmark that
# compares the dashboard with hand-written SQL; python3 with venv for the WebDAV test server.
APT_PACKAGES := build-essential pkg-config libssl-dev poppler-utils sqlite3 python3 python3-venv

# `make run` keeps its demo store here (git ignores it). The passphrase protects demo data only.
DEMO_DIR ?= $(CURDIR)/.demo-data
DEMO_PASSPHRASE ?= demo-passphrase-2029
DEMO_PARTICIPANTS ?= 5000

.PHONY: deps run test lint bench clean-demo sync-servers sync-servers-stop

## deps: install what is missing (apt packages; checks the Rust toolchain)
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install Rust 1.90 or newer (https://rustup.rs), then run make again."; exit 1; }
	@$(CARGO) --version

## run: until the desktop app lands, a demo store (made once) and `indsats status` on it
run: deps
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

## test: every test (unit, integration, CLI, sync against real servers), after format and lint
test: deps lint sync-servers
	$(CARGO) test --workspace --lib --bins --tests --no-fail-fast
	$(CARGO) test --workspace --doc

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## bench: criterion benchmarks in release mode (see docs/BENCHMARKS.md)
bench: deps
	$(CARGO) bench -p indsats-api -p indsats-store -p indsats-export --benches
	@echo; echo "Summary (also in target/bench-data/summary.txt):"; tail -n 20 target/bench-data/summary.txt 2>/dev/null || true

clean-demo:
	rm -rf "$(DEMO_DIR)"

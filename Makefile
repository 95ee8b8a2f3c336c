# etag-cache: `make demo` runs the demo, `make test` runs every test suite.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

GO        ?= go
BIN       := $(CURDIR)/bin
DIST      := $(CURDIR)/dist
WBT_VER   := v0.11.0
GOVERSION := $(shell $(GO) env GOVERSION)
WBT_STAMP := $(BIN)/.wasmbrowsertest-$(WBT_VER)-$(GOVERSION)
WASM_ENV  := GOOS=js GOARCH=wasm PATH=$(BIN):$$PATH
# wasmbrowsertest's cdproto (older than this Chromium) logs "could not unmarshal event: unknown IPAddressSpace
# value: Loopback" on stderr: harmless protocol noise, filtered.
NOISE     := grep -v --line-buffered 'IPAddressSpace' || true
FUZZTIME  ?= 3s
# Fuzz targets, package:FuzzName (FuzzIfNoneMatch also fuzzes ParseETag and the comparisons).
FUZZ_TARGETS := ./internal/httprules:FuzzIfNoneMatch ./internal/httprules:FuzzCacheControl \
  ./internal/httprules:FuzzHTTPDate ./internal/httprules:FuzzAge ./internal/httprules:FuzzVary ./cache:FuzzKey \
  ./cache:FuzzMeta

# What a user copies (dist/) and what the npm package holds: the JS face bundled into one file (see build), the
# Svelte store, their types, the module and Go's wasm_exec.js.
DIST_FILES := etag-cache.js svelte.js inspector.js etag-cache.d.ts svelte.d.ts inspector.d.ts etag-cache.wasm wasm_exec.js
ESBUILD    := web/node_modules/.bin/esbuild

PKG_VERSION = $(shell node -p "require('./web/package.json').version")
PKG_TGZ      = $(DIST)/etag-cache-$(PKG_VERSION).tgz
EXAMPLE     := web/examples/sveltekit
# The packed package.json: web/package.json without what serves this repository (scripts, devDependencies).
PACKED_MANIFEST := const p = require("./web/package.json"); delete p.scripts; delete p.devDependencies; \
  process.stdout.write(JSON.stringify(p, null, 2) + "\n");

.PHONY: deps test test-host test-browser test-fuzz test-e2e test-js test-types test-pack test-sveltekit vet build size pack demo fuzz bench bench-smoke clean

## deps: Debian chromium, wasmbrowsertest (as go_js_wasm_exec in ./bin), npm packages. Idempotent.
deps: $(WBT_STAMP) chromium web/node_modules/.installed

chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing Debian chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

$(WBT_STAMP):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install github.com/agnivade/wasmbrowsertest@$(WBT_VER)
	ln -sf wasmbrowsertest $(BIN)/go_js_wasm_exec
	@rm -f $(BIN)/.wasmbrowsertest-* && touch $@

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## test: everything CI runs.
test: deps vet test-host test-fuzz test-browser test-js test-types test-pack test-e2e bench-smoke test-django test-sveltekit

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/node_modules/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...

test-host:
	$(GO) test -race -count=1 ./...

test-fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
	  $(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg; done

## test-browser: Go tests in headless Chromium (real IndexedDB and fetch) against a loopback test server.
test-browser: $(WBT_STAMP) chromium
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/testserver ./internal/cmd/testserver
	@$(BIN)/testserver -addr 127.0.0.1:0 > $(BIN)/testserver.out 2>&1 & pid=$$!; \
	  trap 'kill $$pid 2>/dev/null || true' EXIT; \
	  for i in $$(seq 300); do [ -s $(BIN)/testserver.out ] && break; sleep 0.1; done; \
	  url=$$(head -n1 $(BIN)/testserver.out); \
	  case "$$url" in http://*) echo "test server at $$url";; \
	    *) echo "the test server printed no URL in 30 s:"; cat $(BIN)/testserver.out; exit 1;; esac; \
	  TEST_SERVER_URL=$$url $(WASM_ENV) $(GO) test -count=1 -timeout=10m $$(GOOS=js GOARCH=wasm $(GO) list ./... | grep -v -e /web/ -e /internal/cmd/) 2>&1 | ($(NOISE)); \
	  exit $${PIPESTATUS[0]}

## test-js: unit tests of the JS wrapper logic (node's test runner).
test-js:
	cd web && node --test test/*.test.mjs

## test-e2e: the demo page, first visits, the faults of "never wrong, never leaked, never lost" (quota, app versions
## side by side, cache lifecycle) and the soak test (~25 s, bounded at 60 s), driven by Playwright in headless Chromium.
test-e2e: build web/node_modules/.installed chromium
	cd web && DIST_DIR=$(DIST) node --test --test-concurrency=1 e2e/

## soak: only the soak test of test-e2e, e.g. with another seed or length: make soak SOAK_SEED=7 SOAK_OPS=3000.
.PHONY: soak
soak: build web/node_modules/.installed chromium
	cd web && DIST_DIR=$(DIST) node --test --test-concurrency=1 e2e/soak.test.mjs

## pack: the npm package a user installs, dist/etag-cache-<version>.tgz, from a fresh `make build`: the dist files,
## the MIT LICENSE, Go's LICENSE (the module holds Go's runtime, wasm_exec.js is Go's), web/PACKAGE-README.md as
## README.md, and web/package.json without scripts and devDependencies (they name files and tools of this
## repository, not of the package).
pack: build
	@rm -rf $(DIST)/package && mkdir -p $(DIST)/package
	cp $(addprefix $(DIST)/,$(DIST_FILES)) LICENSE $(DIST)/package/
	cp "$$($(GO) env GOROOT)/LICENSE" $(DIST)/package/LICENSE-go
	cp web/PACKAGE-README.md $(DIST)/package/README.md
	node -e '$(PACKED_MANIFEST)' > $(DIST)/package/package.json
	cd $(DIST)/package && npm pack --pack-destination $(DIST) --loglevel=error >/dev/null
	@rm -rf $(DIST)/package
	@test -s $(PKG_TGZ) && echo "packed $(PKG_TGZ)"

# npm ci from the example's committed lock: registry packages only. The tarball is installed after it with
# --no-save, because a file: dependency would pin the tarball's hash and every rebuild would break npm ci.
$(EXAMPLE)/node_modules/.installed: $(EXAMPLE)/package-lock.json
	cd $(EXAMPLE) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## test-types: etag-cache.d.ts and svelte.d.ts against web/test/types-usage.ts, with web/'s pinned typescript.
test-types: web/node_modules/.installed
	cd web && npm run --silent test:types

## test-pack: what `make pack` yields: the files a user needs, the licenses, the README, a package.json with nothing
## that points into this repository, and the sideEffects field doing what it says with a bundler.
test-pack: pack
	cd web && PKG_TGZ=$(PKG_TGZ) node --test package-test/

## test-sveltekit: the SvelteKit example built against the packed tarball, driven in headless Chromium against the
## Go demo server (e2e/grades.test.js) and against the Django example serving the build (e2e/django.test.js).
test-sveltekit: pack chromium django-deps $(EXAMPLE)/node_modules/.installed
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/demo ./web/demo
	cd $(EXAMPLE) && npm install --no-save --no-audit --no-fund --loglevel=error $(PKG_TGZ)
	cd $(EXAMPLE) && npm run --silent build >/dev/null
	cd $(EXAMPLE) && DEMO_BIN=$(BIN)/demo PYTHON=$(PYTHON) npm run --silent test:e2e

# --- The Django example (web/examples/django): Debian's Django and DRF, for Debian's Python. ---
PYTHON ?= /usr/bin/python3
DJANGO := web/examples/django
.PHONY: django-deps test-django

## django-deps: python3-django and python3-djangorestframework from Debian (apt-get, as root). Idempotent.
django-deps:
	@if ! $(PYTHON) -c 'import django, rest_framework' >/dev/null 2>&1; then \
	  echo "installing Debian python3-django python3-djangorestframework"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    python3-django python3-djangorestframework >/dev/null; \
	fi

## test-django: the Django example's own tests (ETags, 304s, Vary, If-Match, Idempotency-Key, CORS), in-memory SQLite.
test-django: django-deps
	cd $(DJANGO) && $(PYTHON) manage.py test --noinput

## build: dist/ holds exactly what a user copies into their static folder. The JS face's modules (web/*.js) are
## bundled into one etag-cache.js: on a first visit over slow 3G (400 ms a request) the browser would otherwise
## discover them one import level at a time before the page's first data request could start (measured with
## make bench: 2.6 s from page script to the module imported, against one request for one file).
build: web/node_modules/.installed
	@rm -rf $(DIST) && mkdir -p $(DIST)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $(DIST)/etag-cache.wasm ./wasm
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(DIST)/wasm_exec.js
	$(ESBUILD) web/etag-cache.js --bundle --format=esm --target=es2022 --minify-whitespace --minify-syntax \
	  --legal-comments=none --log-level=warning --outfile=$(DIST)/etag-cache.js
	cp web/svelte.js web/inspector.js web/etag-cache.d.ts web/svelte.d.ts web/inspector.d.ts $(DIST)/

## size: module size raw/gzip/brotli, and a check that net/http stays out of it.
size: build
	@if GOOS=js GOARCH=wasm $(GO) list -deps ./wasm | grep -qx 'net/http'; then \
	  echo "FAIL: the wasm module links net/http"; exit 1; fi
	@command -v brotli >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq brotli >/dev/null; }
	@raw=$$(stat -c %s $(DIST)/etag-cache.wasm); \
	  gz=$$(gzip -9 -c $(DIST)/etag-cache.wasm | wc -c); \
	  br=$$(brotli -q 11 -c $(DIST)/etag-cache.wasm | wc -c); \
	  printf '| module | raw | gzip -9 | brotli 11 |\n|---|---|---|---|\n| etag-cache.wasm | %d | %d | %d |\n' $$raw $$gz $$br; \
	  echo "net/http: not linked"

## demo: build, then serve the demo on http://127.0.0.1:8080 (DEMO_FLAGS="-latency 2s" etc.).
demo: build
	$(GO) run ./web/demo -addr 127.0.0.1:8080 -dist $(DIST) $(DEMO_FLAGS)

## bench: etag-cache vs raw IndexedDB vs a Dexie peer in headless Chromium, first visits on slow 3G and the floor
## module included (~6 min); rewrites BENCHMARKS.md.
bench: build chromium
	BENCH_COMMAND='make bench' web/bench/run.sh --write=$(CURDIR)/BENCHMARKS.md

## bench-smoke: the bench harness end to end with tiny sizes, the floor module built and run (~70 s); its numbers
## mean nothing.
bench-smoke: build chromium
	BENCH_SMOKE=1 web/bench/run.sh
	cd web/bench && node --test lib/

## fuzz: longer fuzzing on demand (make fuzz FUZZTIME=10m).
fuzz: FUZZTIME = 1m
fuzz: test-fuzz

clean:
	rm -rf $(DIST) $(BIN) web/node_modules web/e2e/out
	rm -rf web/bench/node_modules web/bench/out
	rm -rf $(EXAMPLE)/node_modules $(EXAMPLE)/.svelte-kit $(EXAMPLE)/build $(EXAMPLE)/e2e/out
	rm -rf web/examples/django/var

#!/usr/bin/env bash
# make bench: install the bench's npm packages (once), then run the harness. Extra arguments go to run.js
# (e.g. --write=BENCHMARKS.md). BENCH_SMOKE=1 runs tiny sizes in seconds. Needs dist/ (make build) and chromium.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.installed
fi
exec node run.js "$@"

#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need (npm packages, Chromium
# from Debian, TLC through Maven), then type-checks and runs every test, then model-checks the
# TLA+ spec and its mutants, and hunts every planted bug in the catalogue. CI runs exactly this.
# `npm test` builds dist/ (the package, and what bin/raftbed runs) before jest.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
bash scripts/install-chromium.sh
bash tla/install-tlc.sh
npm test
# Mutation testing: the tooling's own tests, then a fixed sample of core mutants that the product's
# checks must detect at least as well as the recorded baseline (about a minute on two idle cores).
# The full run is `npm run mutate` (hours; shards with --shard I/N).
npm run build:mutation
npm run test:mutation-tools
npm run mutate:ci
bin/raftbed tla check --workers 2
# Exits 1 if any planted bug escapes its sweep (about 20 s).
bin/raftbed bugs

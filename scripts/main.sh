#!/usr/bin/env bash
# The main job on a fresh machine: install dependencies, build dist/ (bin/raftbed runs the compiled
# CLI), then a fault-injection sweep.
# Extra arguments go to `raftbed sweep` (e.g. --seeds 1000 --faults swarm).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
if [ "$#" -eq 0 ]; then set -- --seeds 200 --faults all; fi
exec bin/raftbed sweep "$@"

#!/usr/bin/env bash
# The fuzz suite (test/fuzz) at a nightly count: FUZZ_RUNS cases per parser (default 200,000).
# Replay a failure with FUZZ_SEED=<seed printed by fast-check>.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_RUNS="${FUZZ_RUNS:-200000}"
npm run build >/dev/null
exec bash scripts/with-keyring.sh npx vitest run test/fuzz --testTimeout=0

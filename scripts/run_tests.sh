#!/usr/bin/env bash
# The test command: install what is missing, build with warnings as errors, run the whole test
# suite (cmocka unit and verification tests, heavy tier included, and the script tests).
# Idempotent. Pass a CTest label to run one tier only: scripts/run_tests.sh fast
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh test
cmake --preset ci >/dev/null
cmake --build --preset ci
if [ $# -gt 0 ]; then
  ctest --preset ci -L "$1"
else
  ctest --preset ci
fi

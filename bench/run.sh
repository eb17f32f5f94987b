#!/usr/bin/env bash
# Benchmark B1 (performance-reference.md): builds bench_b1 in release and runs 1 and 2 threads
# at 128^3 and 256^3, median of 5 runs each, one JSON line per configuration.
# Usage: bench/run.sh [extra cmake args, e.g. -DDERMIS_NATIVE=ON]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/bench"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" --target bench_b1 >/dev/null
for n in 128 256; do
  for threads in 1 2; do
    OMP_PROC_BIND=close "$build/bench/bench_b1" --threads "$threads" --n "$n" --repeat 5
  done
done

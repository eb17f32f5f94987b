#!/usr/bin/env bash
# Benchmark B1 (performance-reference.md): builds bench_b1 in release and runs 1 and 2 threads
# at 128^3 and 256^3, median of 5 runs each, one JSON line per configuration, each preceded by
# the load average (figures taken with load > 1 measure contention as much as the code).
# Usage: bench/run.sh [extra cmake args, e.g. -DDERMIS_NATIVE=ON]
# Each set of extra arguments gets its own build directory, so an option set once (cached by
# CMake) does not leak into a later run without it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/bench"
if [ $# -gt 0 ]; then build="$build-$(printf '%s ' "$@" | md5sum | cut -c1-8)"; fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" --target bench_b1 >/dev/null
echo "# bench_b1 $(printf '%s ' "$@")(build $build)"
for n in 128 256; do
  for threads in 1 2; do
    echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"
    OMP_PROC_BIND=close "$build/bench/bench_b1" --threads "$threads" --n "$n" --repeat 5
  done
done

#!/usr/bin/env bash
# All benchmarks of bench/README.md in one command, one JSON line per measurement, each
# configuration preceded by the load average (figures taken with load > 1 measure contention as
# much as the code):
#   B1  transport kernel, 1 and 2 threads x 128^3 and 256^3, median of 5
#   B2  reaction kernel on the default scenario at day 3, 1 and 2 threads, median of 5
#   T1  time to solution: demo, default, default at dx/2, patch3d (default thread count)
#   pair  two concurrent default runs (default threads; then 2 threads each, libgomp's default
#         and passive waiting) against the same two back to back (1 thread)
# Usage: bench/run.sh [--only b1,b2,t1,pair] [extra cmake args, e.g. -DDERMIS_NATIVE=ON]
# Each set of extra arguments gets its own build directory, so an option set once (cached by
# CMake) does not leak into a later run without it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
only="b1,b2,t1,pair"
if [ "${1:-}" = "--only" ]; then only=$2; shift 2; fi
build="$root/build/bench"
if [ $# -gt 0 ]; then build="$build-$(printf '%s ' "$@" | md5sum | cut -c1-8)"; fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF "$@" >/dev/null
cmake --build "$build" --target bench_b1 bench_b2 dermis -j2 >/dev/null
echo "# dermis benchmarks $(printf '%s ' "$@")(build $build, $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown))"
has() { [[ ",$only," == *",$1,"* ]]; }
loadavg() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"; }

if has b1; then
  for n in 128 256; do
    for threads in 1 2; do
      loadavg
      OMP_PROC_BIND=close "$build/bench/bench_b1" --threads "$threads" --n "$n" --repeat 5
    done
  done
fi

if has b2; then
  # The saved state: the default scenario at day 3 (written once per build directory).
  state="$build/b2_default_day3.nc"
  if [ ! -f "$state" ]; then
    "$build/dermis" run "$root/configs/default.ini" -o "$state" --quiet --threads 1 \
      --set run.t_end_days=3 --set treatment.session_days=0 --set output.interval_days=3
  fi
  for threads in 1 2; do
    loadavg
    "$build/bench/bench_b2" --config "$root/configs/default.ini" --state "$state" --threads "$threads" --repeat 5
  done
  loadavg  # the unmerged form (two half steps), for comparison with figures before session 17
  "$build/bench/bench_b2" --config "$root/configs/default.ini" --state "$state" --threads 1 --repeat 5 --split 1
fi

if has t1; then
  loadavg
  /usr/bin/python3 "$root/bench/t1.py" --dermis "$build/dermis"
fi

if has pair; then
  # The target: default thread count (one thread per run on the default grid). Then the
  # oversubscribed case, two runs at 2 threads each on 2 cores, with libgomp's default waiting
  # (spin, then sleep) and with passive waiting, to show what busy-waiting barriers cost.
  loadavg
  /usr/bin/python3 "$root/bench/t1.py" --dermis "$build/dermis" --cases "" --pair
  loadavg
  /usr/bin/python3 "$root/bench/t1.py" --dermis "$build/dermis" --cases "" --pair --pair-threads 2
  loadavg
  OMP_WAIT_POLICY=passive /usr/bin/python3 "$root/bench/t1.py" --dermis "$build/dermis" --cases "" --pair --pair-threads 2
fi

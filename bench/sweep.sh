#!/usr/bin/env bash
# Sweep benchmark (issue 14): throughput of `dermis sweep` in points per hour for the 1-D profile
# and the default 2-D scenario, the driver's overhead against the same runs as bare `dermis run`
# calls, and the scaling from 1 to 2 processes. Run it on a quiet machine (it prints the load
# before each step; figures taken at load > 1 measure contention, not dermis).
# Usage: bench/sweep.sh [POINTS_1D (default 8)] [POINTS_2D (default 4; 0 skips the 2-D part)]
# Prints a Markdown table; nothing is asserted.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n1=${1:-8}
n2=${2:-4}
# DERMIS=path/to/dermis uses that binary instead of building the release preset.
if [ -z "${DERMIS:-}" ]; then
  (cd "$root" && cmake --preset release >/dev/null && cmake --build --preset release --target dermis >/dev/null)
fi
dermis=${DERMIS:-$root/build/release/dermis}
work=$(mktemp -d /tmp/dermis_bench_sweep.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A sweep of n replicates (different seeds) of a base configuration.
make_sweep() { # name base n
  printf '[sweep]\nbase = %s\ndesign = replicates\nreplicates = %s\n' "$2" "$3" > "$work/$1.ini"
}
now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
calc() { awk "BEGIN { printf \"${2:-%.6f}\", $1 }"; }

make_sweep p1d "$root/configs/profile_1d.ini" "$n1"
make_sweep d2d "$root/configs/default.ini" "$n2"

echo "# dermis sweep benchmark: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "| measurement | points | load before | wall s | result |"
echo "|---|---|---|---|---|"

# 1. Through the sweep driver, 1 job x 1 thread.
l=$(load); t0=$(now)
cpu=$("$dermis" sweep "$work/p1d.ini" -o "$work/s1" --jobs 1 --threads 1 2>&1 | grep 'CPU time' | sed 's/^dermis: sweep: //')
t1=$(now); s1=$(calc "$t1 - $t0")
echo "| 1-D: \`dermis sweep --jobs 1 --threads 1\` | $n1 | $l | $(calc "$s1" %.1f) | $(calc "$n1 * 3600 / $s1" %.0f) points/h; $cpu |"

# 2. The same points (the sweep's own point files) as bare `dermis run` calls: the overhead.
l=$(load); t0=$(now)
for i in $(seq 0 $((n1 - 1))); do
  p=$(printf '%s/s1/points/p%06d' "$work" "$i")
  "$dermis" run "$p.ini" -o "$work/bare_$i.nc" --quiet --threads 1 >/dev/null
done
t1=$(now); bare=$(calc "$t1 - $t0")
echo "| 1-D: bare \`dermis run\` loop, 1 thread | $n1 | $l | $(calc "$bare" %.1f) | driver overhead $(calc "100 * ($s1 - $bare) / $bare" %+.1f) % (target <= 2 %) |"

# 3. 2 processes x 1 thread: scaling from 1 to 2 processes.
l=$(load); t0=$(now)
"$dermis" sweep "$work/p1d.ini" -o "$work/s2" --jobs 2 --threads 1 -q
t1=$(now); s2=$(calc "$t1 - $t0")
echo "| 1-D: \`dermis sweep --jobs 2 --threads 1\` | $n1 | $l | $(calc "$s2" %.1f) | $(calc "$n1 * 3600 / $s2" %.0f) points/h; speed-up $(calc "$s1 / $s2" %.2f) vs 1 process |"

[ "$n2" -gt 0 ] || exit 0
# 4. Default 2-D scenario: 1 process x 2 threads against 2 processes x 1 thread.
l=$(load); t0=$(now)
"$dermis" sweep "$work/d2d.ini" -o "$work/d1" --jobs 1 --threads 2 -q
t1=$(now); d1=$(calc "$t1 - $t0")
echo "| default 2-D: \`--jobs 1 --threads 2\` | $n2 | $l | $(calc "$d1" %.1f) | $(calc "$n2 * 3600 / $d1" %.0f) points/h |"
l=$(load); t0=$(now)
"$dermis" sweep "$work/d2d.ini" -o "$work/d2" --jobs 2 --threads 1 -q
t1=$(now); d2=$(calc "$t1 - $t0")
echo "| default 2-D: \`--jobs 2 --threads 1\` | $n2 | $l | $(calc "$d2" %.1f) | $(calc "$n2 * 3600 / $d2" %.0f) points/h (target: >= 1000) |"

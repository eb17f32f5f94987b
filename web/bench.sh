#!/usr/bin/env bash
# Speed of the teaching page on the demo scenario, and where its time goes. Three measurements,
# each repeated RUNS times (default 5), medians reported with the load average:
#   1. the page in headless Chromium (web/bench_page.js): simulated days per second of wall
#      clock inside the worker -- the figure of issue 15's target (>= 10) -- with the split of the
#      worker's time (stepping the model / reading rows and sections / posting messages / idle),
#      the page's main thread (messages, drawing) and the CPU time of the browser's threads;
#   2. the same WebAssembly in Node.js (web/bench_node.js: the same V8 engine, stepped as the
#      worker does, no page around it): days per CPU-second, what the model alone costs;
#   3. `dermis run --threads 1` of the same configuration: days per CPU-second natively.
# Wall-clock figures need a quiet machine; CPU-time figures hold under load as far as caches
# and frequency allow.
# Usage: web/bench.sh [CONFIG.ini] [BUILD_DIR]   (defaults configs/demo.ini, build/ci; builds the
# page with web/build.sh into build/web first; env RUNS, DERMIS_CHROMIUM). The page always runs
# configs/demo.ini as it opens; CONFIG changes measurements 2 and 3 only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
config=$(realpath "${1:-$root/configs/demo.ini}")
bin=${2:-$root/build/ci}/dermis
runs=${RUNS:-5}
bash "$root/web/build.sh" "$root/build/web" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.2f}')" "$@"; }
load0=$(load)

echo "== 1. the page in headless Chromium ($runs runs)"
NODE_PATH=$root/build/web/node_modules node "$root/web/bench_page.js" "$root/build/web/site" "$runs" | tee "$tmp/page"

echo "== 2. the WebAssembly in Node.js ($runs runs)"
for i in $(seq "$runs"); do node "$root/web/bench_node.js" "$root/build/web/site" "$config"; done | tee "$tmp/node"

echo "== 3. dermis run --threads 1 ($runs runs)"
for i in $(seq "$runs"); do
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$bin" run "$config" -o "$tmp/out.nc" --overwrite --quiet --threads 1 >/dev/null
  days=$(python3 -c "import h5py; print(float(h5py.File('$tmp/out.nc')['time'][-1]))")
  read -r user sys < "$tmp/time"
  python3 -c "c=$user+$sys; print(f'dermis run --threads 1: {$days:g} days, {c:.2f} CPU s: {$days/c:.2f} days per CPU-second (load $(load))')"
done | tee "$tmp/cli"

page=$(median $(sed -n 's/^page run [0-9]*: \([0-9.]*\) simulated days\/s.*/\1/p' "$tmp/page"))
node=$(median $(sed -n 's/.*: \([0-9.]*\) days per CPU-second.*/\1/p' "$tmp/node"))
cli=$(median $(sed -n 's/.*: \([0-9.]*\) days per CPU-second.*/\1/p' "$tmp/cli"))
echo
echo "== summary, $(basename "$config") (medians of $runs runs; load average before $load0, after $(load); $(nproc) cores)"
echo "the page in headless Chromium:  $page simulated days per second (wall clock; target >= 10)"
echo "the WebAssembly in Node.js:     $node simulated days per CPU-second"
echo "dermis run --threads 1:         $cli simulated days per CPU-second"

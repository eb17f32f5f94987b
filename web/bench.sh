#!/usr/bin/env bash
# Speed of the teaching page's model, independent of the browser and of the machine's load as far
# as CPU time allows: the WebAssembly build in Node.js (web/bench_node.js: the same V8 engine as
# Chromium, stepped as web/worker.js does) next to `dermis run --threads 1` of the same
# configuration, both as simulated days per CPU-second, with the load average.
# Usage: web/bench.sh [CONFIG.ini] [BUILD_DIR]   (defaults configs/demo.ini, build/ci; builds the
# page with web/build.sh into build/web first). For the wall-clock figure in headless Chromium see
# `ctest --preset ci -L web -V` (docs/teaching.md, "Speed").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
config=$(realpath "${1:-$root/configs/demo.ini}")
bin=${2:-$root/build/ci}/dermis
bash "$root/web/build.sh" "$root/build/web" >/dev/null
for i in 1 2 3; do node "$root/web/bench_node.js" "$root/build/web/site" "$config"; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in 1 2 3; do
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$bin" run "$config" -o "$tmp/out.nc" --overwrite --quiet --threads 1 >/dev/null
  days=$(python3 -c "import h5py; print(float(h5py.File('$tmp/out.nc')['time'][-1]))")
  read -r user sys < "$tmp/time"
  python3 -c "import os; c=$user+$sys; print(f'dermis run --threads 1: {$days:g} days, {c:.2f} CPU s: {$days/c:.2f} days per CPU-second (load', ' '.join(f'{l:.2f}' for l in os.getloadavg()) + ')')"
done

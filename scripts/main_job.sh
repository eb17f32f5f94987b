#!/usr/bin/env bash
# The main job: install what is missing, build dermis (release), run the default scenario
# (configs/default.ini) and plot it. Idempotent; safe to re-run.
# Outputs: out/default.nc (+ out/default.xmf for ParaView) and PNG figures in out/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh build
cmake --preset release >/dev/null
cmake --build --preset release

mkdir -p out
./build/release/dermis run configs/default.ini -o out/default.nc --overwrite   # re-runs replace the last result
# Figures: the curated headline time series; sections (absolute + change from the baseline) of
# all collagen (I + III: a channel refills with type III first) and of type I alone, just after
# the first session (day 0), 1 and 3 weeks after it (day 21: the last frame before the second
# session on day 28 adds fresh channels), and the final frame; profiles.
/usr/bin/python3 scripts/plot_timeseries.py out/default.nc -o out/default_timeseries.png
/usr/bin/python3 scripts/plot_section.py out/default.nc --field collagen_I+collagen_III --days 0,7,21,140 -o out/default_collagen_section.png
/usr/bin/python3 scripts/plot_section.py out/default.nc --field collagen_I --days 0,7,21,140 -o out/default_collagen_I_section.png
/usr/bin/python3 scripts/plot_profiles.py out/default.nc --field collagen_III --days 0,7,14,28,56,140 -o out/default_collagen_III_profiles.png

echo
echo "dermis: results"
echo "  output file      $(pwd)/out/default.nc  (ParaView: out/default.xmf)"
for f in out/default_*.png; do echo "  figure           $(pwd)/$f"; done

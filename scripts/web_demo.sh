#!/usr/bin/env bash
# The teaching page: installs what it needs (emscripten, Node.js/npm, Chromium for the test;
# scripts/bootstrap.sh web), builds it into build/web/site (web/build.sh: the model compiled to
# WebAssembly, the page, uPlot from web/package-lock.json) and serves it on this machine only.
# Usage: scripts/web_demo.sh [PORT]   (default 8015; --build-only: build and stop)
# Open the printed URL in a browser; stop the server with Ctrl-C. The page needs no server-side
# computing: build/web/site can be copied to any static web host or a USB stick and served there.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8015}
bash scripts/bootstrap.sh web
bash web/build.sh build/web
[ "$port" = --build-only ] && exit 0
echo
echo "dermis teaching page: http://127.0.0.1:$port/   (Ctrl-C stops the server)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory build/web/site

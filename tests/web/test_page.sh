#!/usr/bin/env bash
# ctest "web": builds the teaching page (web/build.sh, emscripten) and runs tests/web/page_test.js
# in Debian's headless Chromium. Skips (exit 77) with a notice only where Chromium or emscripten
# cannot be installed (scripts/bootstrap.sh test installs both on Debian).
set -euo pipefail
root=${DERMIS_SOURCE_DIR:?}
out=$root/build/web
for tool in chromium emcc node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool is not installed (scripts/bootstrap.sh test installs it); the teaching page was not tested"
    exit 77
  fi
done
bash "$root/web/build.sh" "$out"
NODE_PATH=$out/node_modules node "$root/tests/web/page_test.js" "$out/site" "$out/test"

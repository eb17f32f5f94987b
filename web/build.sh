#!/usr/bin/env bash
# Builds the teaching page into build/web/site: the model + solver + configuration reader
# compiled to WebAssembly with Debian's emscripten (no HDF5, no OpenMP), the page's HTML/CSS/JS
# and the charting library from npm (web/package-lock.json). Needs what scripts/web_demo.sh
# installs. Usage: web/build.sh [BUILD_DIR]   (default build/web)
#
# Third-party C sources come from Debian's GSL source package (the MT19937 generator and the
# Poisson sampler that model/injury.c uses), unpacked into BUILD_DIR/third_party, never into the
# repository. The INI parser is web/compat/ini.c (see web/compat/ini.h for why).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/build/web}" && cd "${1:-$root/build/web}" && pwd)
tp=$out/third_party
site=$out/site
mkdir -p "$tp" "$site" "$out/obj"

# Debian's emscripten runs its JavaScript tools with `node`, which must find Debian's acorn.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

# --- GSL: the few files injury.c needs, from Debian's source package -----------------------
if [ ! -f "$tp/gsl/.unpacked" ]; then
  rm -rf "$tp/gsl" "$tp/gsl-download" && mkdir -p "$tp/gsl-download"
  (cd "$tp/gsl-download" && apt-get source --download-only gsl >/dev/null) || {
    echo "web/build.sh: 'apt-get source gsl' failed: add a deb-src line (scripts/web_demo.sh does)" >&2; exit 1; }
  mkdir -p "$tp/gsl"
  tar -xzf "$tp"/gsl-download/gsl_*.orig.tar.gz -C "$tp/gsl" --strip-components=1
  mkdir -p "$tp/gsl/include/gsl"
  find "$tp/gsl" -path "$tp/gsl/include" -prune -o -name 'gsl_*.h' -print -exec cp {} "$tp/gsl/include/gsl/" \; >/dev/null
  # config.h: every C99 maths function is declared by emscripten's libc.
  sed -e 's/^#undef HAVE_DECL_\([A-Z0-9_]*\)$/#define HAVE_DECL_\1 1/' \
      -e 's/^#undef HAVE_IEEE_COMPARISONS$/#define HAVE_IEEE_COMPARISONS 1/' \
      "$tp/gsl/config.h.in" > "$tp/gsl/include/config.h"
  touch "$tp/gsl/.unpacked"
fi
gsl_sources=(rng/rng.c rng/inline.c rng/mt.c randist/poisson.c randist/gamma.c randist/binomial_tpe.c randist/gausszig.c
             err/error.c err/stream.c err/message.c sys/infnan.c sys/fdiv.c sys/coerce.c sys/pow_int.c)

# --- the C sources: what the native build compiles, less HDF5, OpenMP and the CLI ------------
c_sources=("$root"/solver/*.c "$root"/model/*.c "$root"/io/config*.c "$root"/io/schema*.c
           "$root"/app/sim.c "$root"/app/schedule.c "$root"/web/compat/ini.c "$root"/web/dermis_web.c)
# Same floating-point discipline as the native build: no contraction into FMA (wasm has none
# anyway), no fast-math; -O3 like the native -O3 never reassociates.
# -mbulk-memory: memcpy/memset as single WebAssembly instructions (memory.copy/fill; every browser
# since 2020) instead of byte loops and calls into JavaScript: 3 % less time for the demo
# (docs/teaching.md, "Speed"). It changes no arithmetic.
wasm_features=(-mbulk-memory)
cflags=(-O3 -std=c11 -ffp-contract=off "${wasm_features[@]}" -D_POSIX_C_SOURCE=200809L -Wall -Wextra
        -Wno-unknown-pragmas -I"$root" -I"$root/web/compat" -I"$tp/gsl/include" ${DERMIS_WEB_CFLAGS:-})
objs=()
for f in "${gsl_sources[@]}"; do
  o=$out/obj/gsl_$(echo "$f" | tr '/' '_').o
  [ "$o" -nt "$tp/gsl/$f" ] || emcc -O3 -ffp-contract=off "${wasm_features[@]}" -w -I"$tp/gsl/include" -I"$tp/gsl" -c "$tp/gsl/$f" -o "$o"
  objs+=("$o")
done
for f in "${c_sources[@]}"; do
  o=$out/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o
  emcc "${cflags[@]}" -c "$f" -o "$o"
  objs+=("$o")
done
# Exported: every dermis_web_* function and every dermis_sim_* read-out of app/sim.h.
exports=$(cat "$root/web/dermis_web.c" "$root/app/sim.h" | grep -o '\bdermis_\(web\|sim\)_[a-z_]*(' |
          sort -u | sed 's/\(.*\)(/"_\1"/' | paste -sd,)
emcc -O3 "${wasm_features[@]}" ${DERMIS_WEB_CFLAGS:-} "${objs[@]}" -o "$site/dermis.js" \
  -sMODULARIZE=1 -sEXPORT_NAME=createDermis -sENVIRONMENT=worker,node -sALLOW_MEMORY_GROWTH=1 \
  -sFILESYSTEM=0 -sEXPORTED_FUNCTIONS="[$exports,\"_malloc\",\"_free\"]" \
  -sEXPORTED_RUNTIME_METHODS='["ccall","cwrap","UTF8ToString","HEAPF64"]'

# --- the page ------------------------------------------------------------------------------
if [ ! -d "$out/node_modules/uplot" ] || [ "$root/web/package-lock.json" -nt "$out/node_modules/.stamp" ]; then
  cp "$root/web/package.json" "$root/web/package-lock.json" "$out/"
  (cd "$out" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$out/node_modules/.stamp"
fi
cp "$out/node_modules/uplot/dist/uPlot.iife.min.js" "$out/node_modules/uplot/dist/uPlot.min.css" "$site/"
cp "$root"/web/*.html "$root"/web/*.css "$root"/web/{app,ini,phases,worker}.js "$site/"
# The page's registry of field names, units and phases comes from the model at run time; the
# example configurations are copied so the page can start from the same files as `dermis run`.
mkdir -p "$site/configs" && cp "$root"/configs/demo.ini "$site/configs/"
echo "web/build.sh: built $site"

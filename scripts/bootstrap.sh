#!/usr/bin/env bash
# Installs the Debian packages dermis needs, only those missing (idempotent), on Debian 12 /
# Ubuntu. Usage: scripts/bootstrap.sh [build|test|web|mpi]
#   build: compiler toolchain, libraries, Python plotting stack (what the main job needs)
#   test:  the same plus what the test suite uses (netCDF tools, clang for the parser fuzzer,
#          for the teaching page's test: emscripten, Node.js + npm, Chromium, and Open MPI for
#          the test of `dermis sweep --mpi`)
#   web:   build plus what the teaching page needs (scripts/web_demo.sh)
#   mpi:   build plus Open MPI, for `cmake -DDERMIS_MPI=ON` (dermis sweep --mpi)
set -euo pipefail

mode=${1:-build}
packages=(build-essential cmake pkg-config git
          libgsl-dev libhdf5-dev hdf5-tools libinih-dev libcmocka-dev
          python3 python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-matplotlib)
if [ "$mode" = test ]; then
  packages+=(python3-netcdf4 netcdf-bin ffmpeg clang libclang-rt-dev)
fi
need_src=0
if [ "$mode" = test ] || [ "$mode" = web ]; then
  # The page (web/build.sh): emscripten with Debian's acorn, GSL's C source (apt-get source, so
  # a deb-src line), Chromium for its test. Node.js and npm only if no node is installed, so an
  # existing Node.js is kept.
  packages+=(emscripten node-acorn chromium dpkg-dev)
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
  if [ -r /etc/os-release ] && grep -q '^ID=debian' /etc/os-release &&
     ! grep -rqs -e '^Types:.*deb-src' -e '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    need_src=1
  fi
fi
if [ "$mode" = test ] || [ "$mode" = mpi ]; then
  packages+=(openmpi-bin libopenmpi-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ] && exit 0

[ ${#missing[@]} -eq 0 ] || echo "dermis: installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "dermis: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
if [ $need_src -eq 1 ]; then
  # Source packages from the same Debian archives this machine already installs from: every
  # configured binary source signed by Debian's archive key, repeated as deb-src.
  echo "dermis: enabling source packages of the configured Debian archives (for web/build.sh)"
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -r "$f" ] && grep -q '^Types:.*deb' "$f" && grep -q 'debian-archive-keyring' "$f" || continue
      sed -e 's/^Types:.*$/Types: deb-src/' "$f"
      echo
    done
  } | $sudo tee /etc/apt/sources.list.d/dermis-deb-src.sources >/dev/null
  if [ -r /etc/apt/sources.list ]; then
    sed -n 's/^deb \(.*\/debian.*\)$/deb-src \1/p' /etc/apt/sources.list |
      $sudo tee /etc/apt/sources.list.d/dermis-deb-src.list >/dev/null
  fi
fi
$sudo apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# Installs the Debian packages dermis needs, only those missing (idempotent), on Debian 12 /
# Ubuntu. Usage: scripts/bootstrap.sh [build|test]
#   build: compiler toolchain, libraries, Python plotting stack (what the main job needs)
#   test:  the same plus what the test suite uses (netCDF tools, clang for the parser fuzzer)
set -euo pipefail

mode=${1:-build}
packages=(build-essential cmake pkg-config git
          libgsl-dev libhdf5-dev hdf5-tools libinih-dev libcmocka-dev
          python3 python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-matplotlib)
if [ "$mode" = test ]; then
  packages+=(python3-netcdf4 netcdf-bin ffmpeg clang libclang-rt-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "dermis: installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "dermis: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

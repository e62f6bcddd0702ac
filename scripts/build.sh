#!/usr/bin/env bash
# Configures and builds ccverify into ${BUILD_DIR:-build} (Release).
# CCV_WERROR=1 makes every warning an error (CI builds so).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
extra=()
[[ "${CCV_WERROR:-0}" == 1 ]] && extra+=(-DCCV_WERROR=ON)
# ccache (installed by install-deps.sh) keeps rebuilds of an unchanged file
# cheap across clones; CCV_CCACHE=0 turns it off.
if [[ "${CCV_CCACHE:-1}" == 1 ]] && command -v ccache >/dev/null; then
  extra+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} "${extra[@]}" "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

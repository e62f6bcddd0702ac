#!/usr/bin/env bash
# Configures and builds ccverify into ${BUILD_DIR:-build} (Release).
# CCV_WERROR=1 makes every warning an error (CI builds so).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
werror=()
[[ "${CCV_WERROR:-0}" == 1 ]] && werror=(-DCCV_WERROR=ON)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} "${werror[@]}" "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

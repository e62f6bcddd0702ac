#!/usr/bin/env bash
# The build stage of the Containerfile, and what CI runs to check it (no
# container engine runs there): from a source tree, install the build
# dependencies, configure a Release build of the shipped targets only (no
# tests, no benchmarks), build them and make the Debian packages
# (scripts/package.sh), copied to OUT_DIR. The runtime stage installs them,
# so it holds only the libraries dpkg-shlibdeps names.
#
#   scripts/container-build.sh [SOURCE_DIR [OUT_DIR]]
#
# With ccache installed the compiles are cached (CCACHE_DIR); the flags are
# those of scripts/build.sh with warnings as errors, so a tree CI has built
# already is compiled from the cache.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
out=${2:-$src/build-container/out}
cd "$src"
CCV_WITH_PEERS=0 CCV_WITH_LINTIAN=0 scripts/install-deps.sh
BUILD_DIR=build-container CCV_WERROR=1 scripts/build.sh \
  -DCCV_BUILD_TESTS=OFF -DCCV_BUILD_BENCHMARKS=OFF
scripts/package.sh build-container
mkdir -p "$out"
cp build-container/packages/*.deb "$out/"
ls "$out"

#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (the README's test
# command; .ci/run calls it).
#
# CCV_TEST_INSTALLED_CLI=1: the command-line tests (ctest label "cli") run
# against the binaries installed into a temporary prefix
# (tests/install/installed_cli_suite.sh) instead of in the test process; the
# other tests run as usual. .ci/run sets it (its sanitizer stage runs the
# command-line tests in-process).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build=${BUILD_DIR:-build}
if [[ "${CCV_TEST_INSTALLED_CLI:-0}" == 1 ]]; then
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600 -LE cli
  tests/install/installed_cli_suite.sh "$build" -j"$(nproc)" --timeout 600
else
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
fi

#!/bin/sh
# The command-line suite against an installed tree: `cmake --install` into a
# fresh prefix, then every test labelled "cli" (the tests that run ccverify)
# with CCV_INSTALLED_BIN_DIR pointing at the prefix's bin/, so each
# `ccverify ...` they run is the installed binary as a separate process
# (tests/testing/cli.h) rather than the build tree's code in the test process.
#
#   installed_cli_suite.sh BUILD_DIR [CTEST_ARGS...]
set -eu
build=$1
shift
prefix=$(mktemp -d "${TMPDIR:-/tmp}/ccv-installed-cli.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
# The suite must reach the installed binary, not fall back to the build tree:
# a prefix whose ccverify always fails must fail the suite's first test.
mkdir "$prefix/decoy"
printf '#!/bin/sh\nexit 97\n' >"$prefix/decoy/ccverify"
chmod +x "$prefix/decoy/ccverify"
if CCV_INSTALLED_BIN_DIR=$prefix/decoy ctest --test-dir "$build" -L cli \
    -R '^HelpTest\.' --stop-on-failure >/dev/null 2>&1; then
  echo "FAIL: the cli tests passed with a ccverify that always fails" >&2
  exit 1
fi
echo "installed tree: $prefix"
CCV_INSTALLED_BIN_DIR=$prefix/bin ctest --test-dir "$build" -L cli --output-on-failure "$@"

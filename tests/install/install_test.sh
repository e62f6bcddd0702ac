#!/bin/sh
# `cmake --install` into a fresh prefix gives a working ccverify and the files
# the README promises; the installed binary runs from there.
#
#   install_test.sh BUILD_DIR SOURCE_DIR WITH_AGENT(ON|OFF)
set -eu
build=$1
src=$2
with_agent=$3
prefix=$(mktemp -d "${TMPDIR:-/tmp}/ccv-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
fail=0

cmake --install "$build" --prefix "$prefix" >/dev/null

expect() {
  if [ ! -e "$prefix/$1" ]; then
    echo "FAIL: $prefix/$1 was not installed" >&2
    fail=1
  fi
}
expect bin/ccverify
case "$with_agent" in ON|on|1|TRUE|true) expect bin/ccverify-agent ;; esac
expect share/doc/ccverify/cli.md
expect share/doc/ccverify/json.md
expect share/doc/ccverify/schemas
if [ -d "$src/policies/examples" ]; then
  for f in "$src"/policies/examples/*; do
    expect "share/ccverify/policies/examples/$(basename "$f")"
  done
fi
if [ -f "$src/completions/ccverify.bash" ]; then
  expect share/bash-completion/completions/ccverify
fi

# The installed binary, run from the prefix (not the build tree).
version=$(cd / && "$prefix/bin/ccverify" --version)
case "$version" in
  "ccverify "[0-9]*) echo "installed: $version" ;;
  *) echo "FAIL: installed ccverify --version printed '$version'" >&2; fail=1 ;;
esac
exit "$fail"

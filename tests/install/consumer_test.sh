#!/bin/sh
# The example consumer (examples/verify_bundle) builds against an installed
# ccverify both ways a user would, with find_package(ccverify) and with
# pkg-config, and verifies the demo bundle through the library: TRUSTED with
# the test root, UNTRUSTED (exit 1) without it.
#
#   consumer_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ccv-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail=0

cmake --install "$build" --prefix "$prefix" --component dev >/dev/null
demo=$src/corpus/demo

check() {  # check NAME BINARY
  out=$("$2" "$demo" "$demo/policy.yaml" "$demo/root_ca.pem") || {
    echo "FAIL: $1: exit $? on the demo bundle: $out" >&2
    fail=1
    return
  }
  case "$out" in
    *": TRUSTED ("*) echo "$1: $out" ;;
    *) echo "FAIL: $1 printed '$out'" >&2; fail=1 ;;
  esac
  rc=0
  "$2" "$demo" "$demo/policy.yaml" >/dev/null 2>&1 || rc=$?
  if [ "$rc" != 1 ]; then
    echo "FAIL: $1 without the test root exited $rc, expected 1 (UNTRUSTED)" >&2
    fail=1
  fi
}

# find_package(ccverify)
cmake -S "$src/examples/verify_bundle" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 &&
  cmake --build "$tmp/cmake" >>"$tmp/cmake.log" 2>&1 ||
  { cat "$tmp/cmake.log" >&2; echo "FAIL: find_package build" >&2; exit 1; }
check find_package "$tmp/cmake/verify_bundle"

# pkg-config, through the example's Makefile.
pcdir=$(dirname "$(find "$prefix" -name ccverify.pc | head -n 1)")
cp -r "$src/examples/verify_bundle" "$tmp/pc"
PKG_CONFIG_PATH=$pcdir make -s -C "$tmp/pc" >"$tmp/pc.log" 2>&1 ||
  { cat "$tmp/pc.log" >&2; echo "FAIL: pkg-config build" >&2; exit 1; }
check pkg-config "$tmp/pc/verify_bundle"
exit "$fail"

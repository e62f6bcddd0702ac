#!/bin/sh
# `cmake --install` into a fresh prefix gives a working ccverify and the files
# the README promises; the installed binaries run from there: the demo bundle
# verifies TRUSTED, every command's --help works and has its manual page, and
# the installed bash completion drives the installed binaries.
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
expect share/ccverify/demo/evidence.json
expect share/man/man1/ccverify.1.gz
expect include/ccverify/ccverify.h
case "$with_agent" in ON|on|1|TRUE|true)
  expect share/man/man1/ccverify-agent.1.gz
  expect share/bash-completion/completions/ccverify-agent ;;
esac

# The installed binary, run from the prefix (not the build tree).
version=$(cd / && "$prefix/bin/ccverify" --version)
case "$version" in
  "ccverify "[0-9]*) echo "installed: $version" ;;
  *) echo "FAIL: installed ccverify --version printed '$version'" >&2; fail=1 ;;
esac

# The demo from the installed tree, as the README shows it.
demo=$prefix/share/ccverify/demo
if ! (cd / && "$prefix/bin/ccverify" verify "$demo" --policy "$demo/policy.yaml" \
      --root-ca "$demo/root_ca.pem" --at 2026-01-02T00:00:00Z --quiet --report json=/dev/null); then
  echo "FAIL: the installed demo did not verify TRUSTED" >&2
  fail=1
fi

# Every command ccverify --help lists: its --help runs and it has a manual page.
"$prefix/bin/ccverify" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z]*\( [a-z]*\)\?\)  .*/\1/p' |
  while read -r cmd; do
    # shellcheck disable=SC2086 # a command is one or two words
    if ! "$prefix/bin/ccverify" $cmd --help >/dev/null; then
      echo "FAIL: installed ccverify $cmd --help failed" >&2
      exit 1
    fi
    page=share/man/man1/ccverify-$(echo "$cmd" | tr ' ' '-').1.gz
    if [ ! -f "$prefix/$page" ]; then
      echo "FAIL: $page was not installed" >&2
      exit 1
    fi
  done || fail=1

# The installed completion against the installed binaries.
if [ -f "$prefix/share/bash-completion/completions/ccverify" ] && command -v bash >/dev/null; then
  agent=
  [ -x "$prefix/bin/ccverify-agent" ] && agent=$prefix/bin/ccverify-agent
  bash "$src/tests/cli/completion_test.sh" "$prefix/share/bash-completion/completions/ccverify" \
    "$prefix/bin/ccverify" $agent >/dev/null || { echo "FAIL: installed completion" >&2; fail=1; }
fi
exit "$fail"

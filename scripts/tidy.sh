#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the root) with a build's compile commands.
#   scripts/tidy.sh [FILE.cc ...]   the given files, else every .cc of the tree
# Environment: BUILD (default: build; configure it first, CMake writes
# compile_commands.json), CLANG_TIDY (default: clang-tidy), JOBS (files run
# at once, default 1). Exits non-zero if any file has a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_tidy=${CLANG_TIDY:-clang-tidy}
build=${BUILD:-build}
jobs=${JOBS:-1}
if ! command -v "$clang_tidy" >/dev/null; then
  echo "tidy.sh: $clang_tidy not found (apt-get install clang-tidy)" >&2
  exit 2
fi
if [[ ! -f "$build/compile_commands.json" ]]; then
  echo "tidy.sh: no $build/compile_commands.json (configure with cmake -S . -B $build first)" >&2
  exit 2
fi
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  # Fuzz harnesses need clang's libFuzzer build and examples/ builds against
  # an installed tree (the installed-tree test); the rest of the tree is in
  # the compile commands of a default build.
  mapfile -t files < <(git ls-files '*.cc' | grep -v -e '^tests/fuzz/' -e '^examples/')
fi
# The build uses GCC: clang does not know some of its warning flags. Clang's
# C++20 warning about RapidJSON's member iterators (their != and its
# reversed form both match) is about the library's operators, not our calls.
# "N warnings generated." counts what was suppressed in system headers.
printf '%s\0' "${files[@]}" |
  xargs -0 -n 1 -P "$jobs" "$clang_tidy" -p "$build" --quiet \
    --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-ambiguous-reversed-operator 2>&1 |
  { grep -v ' warnings\? generated\.$' || true; }

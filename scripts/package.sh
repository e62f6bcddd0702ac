#!/usr/bin/env bash
# Builds the Debian packages ccverify, ccverify-agent and libccverify-dev
# (cmake/CcvPackaging.cmake) from a configured build tree, into BUILD/packages.
#
#   scripts/package.sh [BUILD_DIR]           build the .deb files
#   scripts/package.sh [BUILD_DIR] --check   then lintian them (no errors allowed),
#                                            install them with dpkg -i, run the installed
#                                            ccverify --version and the demo, and remove them
#
# The shipped targets are built first (a no-op after a full build); their
# runtime dependencies come from dpkg-shlibdeps. --check needs root (or sudo)
# and lintian (scripts/install-deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
check=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -*) echo "usage: scripts/package.sh [BUILD_DIR] [--check]" >&2; exit 2 ;;
    *) build=$arg ;;
  esac
done
if [[ ! -f $build/CPackConfig.cmake ]]; then
  echo "scripts/package.sh: $build is not a configured build tree (run scripts/build.sh)" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
out=$build/packages

targets=(ccverify ccv_api ccv_deb_changelog)
grep -q '^CCV_BUILD_AGENT:BOOL=ON' "$build/CMakeCache.txt" && targets+=(ccverify-agent)
grep -q '/ccv_man.dir$' "$build/CMakeFiles/TargetDirectories.txt" && targets+=(ccv_man)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

rm -rf "$out"
mkdir -p "$out"
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
rm -rf "$out/_CPack_Packages"
debs=("$out"/*.deb)
for d in "${debs[@]}"; do
  echo "$(basename "$d"): $(dpkg-deb -f "$d" Depends)"
done
((check)) || exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
# lintian runs beside the install cycle (it only reads the .deb files):
# errors fail, warnings are printed.
lintian_log=$out/lintian.log
lintian --fail-on error "${debs[@]}" >"$lintian_log" 2>&1 &
lintian_pid=$!
names=()
for d in "${debs[@]}"; do names+=("$(dpkg-deb -f "$d" Package)"); done
cleanup() { $SUDO dpkg -r "${names[@]}" >/dev/null 2>&1 || true; }
trap 'cleanup; kill "$lintian_pid" 2>/dev/null || true' EXIT
for n in "${names[@]}"; do
  if dpkg -s "$n" >/dev/null 2>&1; then
    echo "scripts/package.sh: $n is already installed; not replacing it" >&2
    trap 'kill "$lintian_pid" 2>/dev/null || true' EXIT
    exit 1
  fi
done
$SUDO dpkg -i "${debs[@]}" >/dev/null
# From the installed paths, not the build tree.
(
  cd /
  /usr/bin/ccverify --version
  demo=/usr/share/ccverify/demo
  /usr/bin/ccverify verify "$demo" --policy "$demo/policy.yaml" --root-ca "$demo/root_ca.pem" \
    --quiet --report json=/dev/null
  echo "installed demo: TRUSTED"
  if [[ -x /usr/bin/ccverify-agent ]]; then /usr/bin/ccverify-agent --version; fi
  [[ -f /usr/share/man/man1/ccverify-verify.1.gz ]]
)
cleanup
trap - EXIT
for n in "${names[@]}"; do
  if dpkg -s "$n" 2>/dev/null | grep -q '^Status: install ok installed'; then
    echo "scripts/package.sh: $n is still installed after dpkg -r" >&2
    exit 1
  fi
done
lintian_rc=0
wait "$lintian_pid" || lintian_rc=$?
grep -v '^running with root privileges' "$lintian_log" || true
if ((lintian_rc != 0)); then
  echo "scripts/package.sh: lintian found errors (exit $lintian_rc)" >&2
  exit 1
fi
echo "packages linted, installed, ran and removed: ${names[*]}"

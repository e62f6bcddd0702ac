#!/usr/bin/env bash
# tests/tamper/tamper_run.sh [STRIDE] [SUITE...]
#
# Runs the complete tamper suites (tests/tamper/tamper.h) over the shared
# corpus, each suite in its own process of ccv_tamper, and prints per suite:
# mutations tried / detected / crashed (covered bytes and values: every one
# must be detected), plus the uncovered mutations, which must only not crash.
# STRIDE 1 (default) tries every byte. Uses $TAMPER_BUILD_DIR, else
# build-asan (ASan+UBSan, `asan` preset) if it has ccv_tamper, else build.
# Exit status 1 if any covered mutation went undetected or any suite crashed.
set -uo pipefail
cd "$(dirname "$0")/../.."
STRIDE=${1:-1}
shift || true
SUITES=("$@")
((${#SUITES[@]})) || SUITES=(quote collateral tcg ccel ima)

BUILD=${TAMPER_BUILD_DIR:-}
if [[ -z "$BUILD" ]]; then
  if [[ -f build-asan/CMakeCache.txt ]]; then BUILD=build-asan; else BUILD=build; fi
fi
cmake --build "$BUILD" -j"${TAMPER_JOBS:-2}" --target ccv_tamper >/dev/null || exit 2
CORPUS=${CCV_CORPUS:-$(sed -n 's/^CCV_CORPUS_DIR:PATH=//p' "$BUILD/CMakeCache.txt")}
for c in "$CORPUS" ../shared/corpus ../../shared/corpus; do
  [[ -n "$c" && -d "$c" ]] && { CORPUS=$c; break; }
done
[[ -d "$CORPUS" ]] || { echo "shared corpus not found (set CCV_CORPUS)" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$BUILD/tamper-logs"
status=0
printf '%-11s %9s %9s %8s %10s %9s %11s %7s %6s\n' suite tried detected crashed undetected rejected uncov_tried uncov_det secs
for s in "${SUITES[@]}"; do
  log=$BUILD/tamper-logs/$s.log
  t0=$(date +%s)
  out=$("$BUILD/ccv_tamper" --corpus "$CORPUS" --suite "$s" --stride "$STRIDE" 2>"$log")
  rc=$?
  secs=$(($(date +%s) - t0))
  crashed=0
  if ((rc > 1)) || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
    crashed=1
    status=1
  fi
  get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" $out"; }
  tried=$(get tried) detected=$(get detected) undetected=$(get undetected)
  ((${undetected:-1} == 0)) || status=1
  printf '%-11s %9s %9s %8s %10s %9s %11s %7s %6s\n' "$s" "${tried:-?}" "${detected:-?}" \
    "$crashed" "${undetected:-?}" "$(get rejected)" "$(get uncovered_tried)" \
    "$(get uncovered_detected)" "$secs"
  grep -E 'MISSED|skip' "$log" | head -5 | sed 's/^/    /'
done
exit $status

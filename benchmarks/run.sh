#!/bin/bash
# Whole-process benchmarks of ccverify replay against the tools people use
# today, on the same generated files in the same run, plus the hashing floor
# (the hashing replay cannot avoid, alone) and the batch-hash backends.
#
#   benchmarks/run.sh [BUILD_DIR] [WORK_DIR]   (WORK_DIR: /dev/shm/ccv-bench, else /tmp/ccv-bench)
#
# Environment: ENTRIES (IMA list entries, default 1000000), EVENTS (TCG
# events, default 1000000), RUNS (rounds, default 5: each times every
# command once; medians reported), PEER_RUNS (rounds that time the peers too,
# default RUNS), SKIP_PEERS=1 (ours and the floor only). Needs in BUILD_DIR: ccverify, ccv-gen-ima, ccv-gen-tcg,
# benchmarks/hash_floor and benchmarks/batch_hash_bench; evmctl
# (ima-evm-utils) and tpm2_eventlog (tpm2-tools) on PATH for the peers.
#
# Every output is checked before anything is timed: ccverify's registers and
# counts against the generators' own values, the floor's registers against
# ccverify's, and the peers must exit 0. Prints one markdown table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
# Inputs live in memory (tmpfs) by default: on our VMs the page cache did not
# keep the 1 GB of inputs resident (4-6 % of each file was missing right after
# reading it), so replays under test read from disk at random moments.
if [ -n "${2:-}" ]; then
  work=$2
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  work=/dev/shm/ccv-bench
else
  work=/tmp/ccv-bench
fi
entries=${ENTRIES:-1000000}
events=${EVENTS:-1000000}
runs=${RUNS:-5}
peer_runs=${PEER_RUNS:-$runs}
mkdir -p "$work"

ccv="$build/ccverify"
gen_ima="$build/ccv-gen-ima"
gen_tcg="$build/ccv-gen-tcg"
floor="$build/benchmarks/hash_floor"
bench="$build/benchmarks/batch_hash_bench"
measure="python3 $here/measure.py"
for b in "$ccv" "$gen_ima" "$gen_tcg" "$floor" "$bench"; do
  [ -x "$b" ] || { echo "run.sh: missing $b (cmake --build $build --target ccverify ccv-gen-ima ccv-gen-tcg hash_floor batch_hash_bench)" >&2; exit 2; }
done
if [ -z "${SKIP_PEERS:-}" ]; then
  for t in evmctl tpm2_eventlog; do
    command -v "$t" >/dev/null || { echo "run.sh: $t not installed (or set SKIP_PEERS=1)" >&2; exit 2; }
  done
fi

log() { echo "run.sh: $*" >&2; }

# --- inputs ------------------------------------------------------------------
# IMA: ima-ng only (evmctl reads no mixed lists). The PCR10 list has SHA-1
# template hashes, replayed into the sha1 and sha256 banks as evmctl does;
# the cc-api list has SHA-384 template hashes, replayed into RTMR2.
ima_pcr="$work/ima-pcr10-$entries"
ima_rtmr="$work/ima-rtmr2-$entries"
tcg="$work/tcg2-3banks-$events.bin"
[ -s "$ima_pcr.bin" ] || { log "generating $ima_pcr.{ascii,bin}"; "$gen_ima" --out "$ima_pcr" --entries "$entries" --ng-only --no-legacy; }
[ -s "$ima_rtmr.bin" ] || { log "generating $ima_rtmr.{ascii,bin}"; "$gen_ima" --out "$ima_rtmr" --entries "$entries" --ng-only --no-legacy --cc-api; }
[ -s "$tcg" ] || { log "generating $tcg"; "$gen_tcg" --format tcg2 --banks sha1,sha256,sha384 --events "$events" --seed 1 --plain --out "$tcg" --expected "$tcg.expected.json"; }
cat "$ima_pcr".* "$ima_rtmr".* "$tcg" > /dev/null  # page cache

# --- correctness first -------------------------------------------------------
log "checking ccverify's replay against the generators"
"$ccv" replay --ima "$ima_pcr.ascii" --ima-register pcr10 --json > "$work/ima-pcr.ascii.json"
"$ccv" replay --ima "$ima_pcr.bin" --ima-register pcr10 --json > "$work/ima-pcr.bin.json"
"$ccv" replay --ima "$ima_rtmr.ascii" --ima-register rtmr2 --json > "$work/ima-rtmr.ascii.json"
"$ccv" replay --ima "$ima_rtmr.bin" --ima-register rtmr2 --json > "$work/ima-rtmr.bin.json"
"$ccv" replay --tpm-log "$tcg" --json > "$work/tcg.json"
"$floor" ima "$ima_pcr.bin" --register pcr --runs 1 > "$work/floor-ima-pcr.json"
"$floor" ima "$ima_rtmr.bin" --register rtmr --runs 1 > "$work/floor-ima-rtmr.json"
"$floor" tcg "$tcg" --runs 1 > "$work/floor-tcg.json"
python3 - "$work" "$ima_pcr" "$ima_rtmr" "$tcg" <<'PY'
import json, sys
work, ima_pcr, ima_rtmr, tcg = sys.argv[1:]
def load(p): return json.load(open(p))
def regs_of(j): return {r: dict(b) for r, b in j["registers"].items()}
for form in ("ascii", "bin"):
    for name, prefix, reg in (("pcr", ima_pcr, "pcr10"), ("rtmr", ima_rtmr, "rtmr2")):
        want = load(prefix + ".expected.json")
        got = load(f"{work}/ima-{name}.{form}.json")
        w, g = regs_of(want)[reg], regs_of(got)[reg]
        assert w == g, f"{name} {form}: replay {g} != generator {w}"
want = load(tcg + ".expected.json")
got = load(f"{work}/tcg.json")
assert regs_of(want) == regs_of(got), "tcg: replay registers differ from the generator"
# The generator counts; the replay also names the conventions that matched.
assert all(got["digest_checks"].get(k) == v for k, v in want["digest_checks"].items()), \
    "tcg: digest-check counts differ"
for name, ref in (("ima-pcr", f"{work}/ima-pcr.bin.json"), ("ima-rtmr", f"{work}/ima-rtmr.bin.json"),
                  ("tcg", f"{work}/tcg.json")):
    fl = load(f"{work}/floor-{name}.json")
    r = regs_of(load(ref))
    for reg, banks in fl["registers"].items():
        assert r[reg] == banks, f"floor {name} {reg} differs from ccverify"
print("run.sh: replay registers match the generators; floor registers match replay", file=sys.stderr)
PY

# --- timing ------------------------------------------------------------------
# Rounds: each round times the floors, every replay and (in the first
# PEER_RUNS rounds) the peers once each, so that a machine whose speed drifts
# over minutes (as these VMs' does) slows all of them alike; the table gives
# medians over the rounds and the ratio to the floor paired round by round.
results="$work/results.jsonl"
: > "$results"
for name in ima-pcr ima-rtmr tcg; do : > "$work/floor-$name.rounds.jsonl"; done
m() {  # m LABEL CMD...
  local label=$1; shift
  $measure --runs 1 --warmup 0 --label "$label" -- "$@" >> "$results"
}
for ((round = 1; round <= runs; round++)); do
  log "round $round of $runs"
  "$floor" ima "$ima_pcr.bin" --register pcr --runs 1 >> "$work/floor-ima-pcr.rounds.jsonl"
  "$floor" ima "$ima_rtmr.bin" --register rtmr --runs 1 >> "$work/floor-ima-rtmr.rounds.jsonl"
  "$floor" tcg "$tcg" --runs 1 >> "$work/floor-tcg.rounds.jsonl"
  m "ours ima rtmr2 ascii" "$ccv" replay --ima "$ima_rtmr.ascii" --ima-register rtmr2
  m "ours ima rtmr2 binary" "$ccv" replay --ima "$ima_rtmr.bin" --ima-register rtmr2
  m "ours ima pcr10 ascii" "$ccv" replay --ima "$ima_pcr.ascii" --ima-register pcr10
  m "ours ima pcr10 binary" "$ccv" replay --ima "$ima_pcr.bin" --ima-register pcr10
  m "ours tcg" "$ccv" replay --tpm-log "$tcg"
  if [ -z "${SKIP_PEERS:-}" ] && [ "$round" -le "$peer_runs" ]; then
    m "evmctl ima_measurement" evmctl ima_measurement "$ima_pcr.bin"
    m "tpm2_eventlog" tpm2_eventlog "$tcg"
  fi
done
"$bench" --benchmark_filter='BM_HashMany/(openssl|ipsec-mb-sse|ipsec-mb-avx2|ipsec-mb-avx512|sha512-avx2)/sha(256|384)/len:(96|256)$' \
  --benchmark_min_time=0.2 --benchmark_format=json > "$work/backends.json" 2>/dev/null

# --- table -------------------------------------------------------------------
python3 - "$work" "$ccv" "$entries" "$events" <<'PY'
import json, subprocess, sys, platform, os
work, ccv, entries, events = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
from statistics import median
rounds = {}  # label -> one measure.py result per round, in order
for line in open(f"{work}/results.jsonl"):
    j = json.loads(line); rounds.setdefault(j["label"], []).append(j)
res = {label: {"median_s": median(r["median_s"] for r in rs), "cpu_s": median(r["cpu_s"] for r in rs),
               "rss_mb": max(r["rss_mb"] for r in rs), "walls": [r["median_s"] for r in rs]}
       for label, rs in rounds.items()}
floor = {}
for n in ("ima-pcr", "ima-rtmr", "tcg"):
    rs = [json.loads(l) for l in open(f"{work}/floor-{n}.rounds.jsonl") if l.strip()]
    floor[n] = {k: median(r[k] for r in rs) for k in ("hash_s", "extend_s", "floor_1t_s", "floor_2t_s")}
    floor[n]["split"] = rs[0]["split"]
    floor[n]["walls_2t"] = [r["floor_2t_s"] for r in rs]
version = subprocess.run([ccv, "--version"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"`{version}`  ")
print(f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}; load average at the end "
      f"{open('/proc/loadavg').read().split()[:3]}; CCV_THREADS={os.environ.get('CCV_THREADS', 'default')}  ")
print(f"IMA lists: {entries:,} ima-ng entries; TCG log: {events:,} events, sha1+sha256+sha384. "
      f"Whole process, wall time, median of {len(floor['ima-pcr']['walls_2t'])} rounds (each round "
      "times every command once); peak RSS is the largest of the runs; ours / floor is the median "
      "of the ratios within each round.\n")
print("| case | ours s | ours CPU s | peak RSS MB | peer | peer s | peer CPU s | peer / ours (wall) | peer / ours (CPU) | floor, 2 threads s | ours / floor |")
print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
def row(case, ours, peer, fl):
    o = res[ours]
    p = res.get(peer) if peer else None
    f = floor[fl]["floor_2t_s"]
    peer_name = {"evmctl ima_measurement": "evmctl ima_measurement (binary SHA-1 list, sha1+sha256)",
                 "tpm2_eventlog": "tpm2_eventlog"}.get(peer, "-")
    cells = [case, f"{o['median_s']:.3f}", f"{o['cpu_s']:.2f}", f"{o['rss_mb']:.1f}"]
    if p:
        cells += [peer_name, f"{p['median_s']:.2f}", f"{p['cpu_s']:.2f}",
                  f"{p['median_s'] / o['median_s']:.1f}x",
                  f"{p['cpu_s'] / o['cpu_s']:.1f}x" if o['cpu_s'] > 0 else "-"]
    else:
        cells += ["-"] * 5
    paired = median(w / f2 for w, f2 in zip(o["walls"], floor[fl]["walls_2t"]))
    cells += [f"{f:.3f}", f"{paired:.2f}x"]
    print("| " + " | ".join(cells) + " |")
row("IMA ascii, SHA-384 into RTMR2", "ours ima rtmr2 ascii", "evmctl ima_measurement", "ima-rtmr")
row("IMA binary, SHA-384 into RTMR2", "ours ima rtmr2 binary", "evmctl ima_measurement", "ima-rtmr")
row("IMA ascii, SHA-1 list into PCR10 sha1+sha256", "ours ima pcr10 ascii", "evmctl ima_measurement", "ima-pcr")
row("IMA binary, SHA-1 list into PCR10 sha1+sha256", "ours ima pcr10 binary", "evmctl ima_measurement", "ima-pcr")
row("TCG2, 3 banks", "ours tcg", "tpm2_eventlog", "tcg")
print()
def paired(a, b):  # median over rounds of a's wall time / b's, or None
    if a not in res or b not in res: return None
    return median(x / y for x, y in zip(res[a]["walls"], res[b]["walls"]))
print("| within each round, median | RTMR2 | PCR10 |")
print("|---|---:|---:|")
cells = [paired(f"ours ima {r} ascii", f"ours ima {r} binary") for r in ("rtmr2", "pcr10")]
print("| ascii / binary | " + " | ".join(f"{c:.2f}x" for c in cells) + " |")
cells = [paired("evmctl ima_measurement", f"ours ima {r} binary") for r in ("rtmr2", "pcr10")]
if all(c is not None for c in cells):
    print("| evmctl / ours binary | " + " | ".join(f"{c:.1f}x" for c in cells) + " |")
print()
print("| hashing floor (in process, fastest backend) | hashes s | chains s | 1 thread s | 2 threads s | split |")
print("|---|---:|---:|---:|---:|---|")
for name, label in (("ima-rtmr", "IMA RTMR2: SHA-384 template hashes + chain"),
                    ("ima-pcr", "IMA PCR10: SHA-1 + SHA-256 template hashes + 2 chains"),
                    ("tcg", "TCG2: digest checks x3 banks + 3 banks of chains")):
    f = floor[name]
    print(f"| {label} | {f['hash_s']:.3f} | {f['extend_s']:.3f} | {f['floor_1t_s']:.3f} | "
          f"{f['floor_2t_s']:.3f} | {f['split']} |")
print()
b = json.load(open(f"{work}/backends.json"))
rows = {}
for bm in b["benchmarks"]:
    if "per_msg" not in bm: continue
    _, backend, alg, ln = bm["name"].split("/")
    rows.setdefault((alg, ln.split(":")[1]), {})[backend] = bm["per_msg"] * 1e9
print("| batch hashing, ns per message (1 thread) | openssl | ipsec-mb-sse | ipsec-mb-avx2 | ipsec-mb-avx512 | sha512-avx2 |")
print("|---|---:|---:|---:|---:|---:|")
for (alg, ln), v in sorted(rows.items()):
    cells = " | ".join(f"{v[k]:.0f}" if k in v else "-" for k in
                       ("openssl", "ipsec-mb-sse", "ipsec-mb-avx2", "ipsec-mb-avx512", "sha512-avx2"))
    print(f"| {alg} {ln} B | {cells} |")
PY

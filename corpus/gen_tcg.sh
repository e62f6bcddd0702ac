#!/bin/sh
# Regenerates the synthetic TCG / CCEL logs in corpus/tcg and corpus/ccel and
# their expected values (corpus/expected/...), written by ccv-gen-tcg from its
# own extend loop. Usage: corpus/gen_tcg.sh BUILD_DIR
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
gen="$build/ccv-gen-tcg"
g() { # name dir args...
  name=$1; dir=$2; shift 2
  "$gen" "$@" --out "$here/$dir/$name" --expected "$here/expected/$dir/$name.json"
}
g synthetic-agile-3banks-locality3.bin tcg --format tcg2 --banks sha1,sha256,sha384 \
  --events 200 --seed 11 --startup-locality 3 --mismatch-every 9 --plain
g synthetic-agile-sha256-unknown-alg.bin tcg --format tcg2 --banks sha256 \
  --unknown-alg 0x0027:40 --events 120 --seed 12
g synthetic-agile-sha512-sm3.bin tcg --format tcg2 --banks sha512,sm3_256 --events 60 --seed 13 --plain
g synthetic-sha1-legacy.bin tcg --format tcg-sha1-legacy --events 150 --seed 14
g synthetic-agile-ff-padded.bin tcg --format tcg2 --banks sha1,sha256 --events 80 --seed 15 --plain \
  --pad-to 16384 --pad-byte 255
g synthetic-ccel-ff-padded.bin ccel --format ccel --events 150 --seed 16 --pad-to 32768
g synthetic-ccel-zero-padded.bin ccel --format ccel --events 90 --seed 17 --pad-to 20000 --pad-byte 0
g synthetic-ccel-unpadded.bin ccel --format ccel --events 40 --seed 18 --mismatch-every 5

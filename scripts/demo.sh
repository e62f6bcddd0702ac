#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the demo evidence
# in corpus/demo: verify a TDX evidence bundle (quote + CCEL + IMA list +
# collateral) against its reference-value policy. Exit 0: trusted.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/ccverify --version
set -x
build/ccverify verify corpus/demo --policy corpus/demo/policy.yaml --root-ca corpus/demo/root_ca.pem

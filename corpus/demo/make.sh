#!/usr/bin/env bash
# Regenerates the synthetic demo bundle in corpus/demo and the policy that
# pins it: make_demo (corpus/demo/make_demo.cc) writes the evidence, signed
# by the ccverify test PKI; `ccverify policy generate` writes policy.yaml.
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${BUILD_DIR:-build}
cmake --build "$build_dir" -j2 --target make_demo ccverify >/dev/null
"$build_dir"/tests/make_demo corpus/demo
"$build_dir"/ccverify policy generate corpus/demo --root-ca corpus/demo/root_ca.pem \
  --name ccverify-demo --version 1 --expires 3650d --output corpus/demo/policy.yaml
"$build_dir"/ccverify policy lint corpus/demo/policy.yaml

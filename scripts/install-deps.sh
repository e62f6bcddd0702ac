#!/usr/bin/env bash
# Installs the Debian 12 packages ccverify needs to build and test, skipping
# those already present. Run as root (or with sudo available).
set -euo pipefail

packages=(
  cmake g++ make pkg-config python3 python3-jsonschema
  libssl-dev libboost-program-options-dev libyaml-cpp-dev rapidjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libipsec-mb-dev libre2-dev libcurl4-openssl-dev
  ccache
  # Manual pages, Debian packages (dpkg-shlibdeps), the Python binding and its tests.
  dpkg-dev file pybind11-dev python3-dev python3-pytest
)
# Optional peers used by tests and benchmarks when present.
if [[ "${CCV_WITH_PEERS:-1}" == 1 ]]; then
  packages+=(tpm2-tools swtpm swtpm-tools ima-evm-utils osslsigncode)
fi
# lintian checks the Debian packages in CI (scripts/package.sh --check).
if [[ "${CCV_WITH_LINTIAN:-1}" == 1 ]]; then
  packages+=(lintian)
fi
# The boot lab (tests/lab/run.sh): QEMU, OVMF, swtpm, systemd-stub, mtools, ...
if [[ "${CCV_WITH_LAB:-1}" == 1 ]]; then
  mapfile -t lab < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$(dirname "$0")/../tests/lab/packages.txt")
  packages+=("${lab[@]}")
fi
if [[ "${CCV_WITH_CLANG:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev clang-format)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

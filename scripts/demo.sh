#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the demo evidence
# in corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/ccverify --version

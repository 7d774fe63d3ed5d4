#!/usr/bin/env bash
# Installs missing Debian packages, builds chorusd (release) and runs it on its embedded
# default (127.0.0.1:8080, state in ./chorus-state). Extra arguments go to chorusd.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product chorusd
exec .build/release/chorusd "$@"

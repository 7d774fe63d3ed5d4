#!/usr/bin/env bash
# Installs the daemon as a service (scripts/install.sh, onto this machine: CI's throwaway one)
# and checks its units as systemd would: `systemd-analyze verify` and an exposure of at most
# 1.1 (`security --threshold=11`). Needs root and systemd-analyze (Debian's systemd package).
# Usage: scripts/check-units.sh [BINARY]   (default: the debug build the tests just made)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
CHORUSD_BINARY=${1:-$root/.build/debug/chorusd} "$root/scripts/install.sh" --no-build
systemd-analyze verify /etc/systemd/system/chorusd.service /etc/systemd/system/chorusd.socket
systemd-analyze security --offline=true --threshold=11 /etc/systemd/system/chorusd.service | tail -1
echo "units: verify passed, exposure within 1.1"

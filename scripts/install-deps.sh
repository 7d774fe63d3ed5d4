#!/usr/bin/env bash
# Installs what a fresh Debian 12 + Swift machine lacks to build and test Chorus.
# Idempotent: only missing packages are installed (apt-get needs root, or sudo).
# Usage: scripts/install-deps.sh [--list-missing]
set -euo pipefail

packages=(
  pkg-config
  libssl-dev
  libwebsockets-dev
  libwebsockets-evlib-ev   # the libev (epoll) event loop plugin chorusd uses by default
  libev-dev                # each service thread runs its own libev loop (lws "foreign loop")
  libcld2-dev
  libsqlite3-dev           # durable interaction counts
  libhiredis-dev           # the Redis client of the cluster module (ChorusCluster)
  redis-server             # the tests start their own Redis servers (cluster.redis)
  libicu-dev               # CLDR plural rules and likely languages of regions (ICU)
  iso-codes                # ISO 3166-1 regions, for scripts/regions/generate.py --verify
  iproute2                 # ss, used by the integration tests
  procps
  openssl                  # the openssl CLI: the TLS tests make their certificates with it
  systemd                  # systemd-analyze (CI checks the units) and systemd-socket-activate
)
# The integration tests run in a venv (Tests/integration/requirements.txt from PyPI).
if ! command -v python3 >/dev/null 2>&1; then
  packages+=(python3 python3-venv)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

# --list-missing: print what is missing and install nothing (.ci/run installs it itself).
if [ "${1:-}" = "--list-missing" ]; then
  echo "${missing[*]}"
  exit 0
fi

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

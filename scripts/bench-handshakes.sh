#!/usr/bin/env bash
# The handshake-rate benchmark with its usual shape: new wss:// connections at 1,000 a second
# for 10 s against a daemon with a fresh self-signed ECDSA P-256 certificate, each timed from
# connect() to its welcome and closed. Extra arguments override (e.g. --rate 0
# --connect-concurrency 64 for as fast as possible, --tls-groups P-256, --tls-version 1.2).
TLS=1 exec "$(dirname "$0")/bench-run.sh" handshakes --rate 1000 --duration 10 "$@"

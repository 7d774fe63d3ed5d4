#!/usr/bin/env bash
# The fanout benchmark with its usual shape: 1000 viewers in one room, 4 publishers, rates
# 500 → 3000 msg/s, 10 s per step. Extra arguments override (e.g. --viewers 5000).
exec "$(dirname "$0")/bench-run.sh" fanout --viewers 1000 --publishers 4 \
  --rates 500,1000,2000,3000 --seconds 10 "$@"

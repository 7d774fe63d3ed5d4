#!/usr/bin/env bash
# Compares lws event loops: the latency of a small active room (100 viewers, 1 publisher,
# 200 msg/s) with and without 15,000 idle connections held in another room.
#
#   scripts/bench-eventloop.sh [LOOPS...]      (default: poll libev)
#
# chorusd is pinned to CPU 0, the bench to CPU 1. Needs release builds of chorusd and
# chorus-bench. Prints one line per loop and condition; RESULT lines go to $OUT (default
# /tmp/chorus-eventloop.txt).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN_DIR:-$root/.build/release}
idle=${IDLE:-15000}
out=${OUT:-/tmp/chorus-eventloop.txt}
: >"$out"
loops=("$@")
[ ${#loops[@]} -gt 0 ] || loops=(poll libev)

for loop in "${loops[@]}"; do
  port=$((30000 + RANDOM % 5000))
  work=$(mktemp -d /tmp/chorus-evloop.XXXXXX)
  taskset -c 0 "$bin/chorusd" --listen "127.0.0.1:$port" --state-dir "$work" \
    --set transport.eventLoop="$loop" --set transport.serviceThreads=1 --set rooms.autoCreate=true --log-level warning \
    --set limits.chatPerWindow=0 --set limits.likesPerSecond=0 --set limits.commercePerSecond=0 \
    --set limits.giftsPerSecond=0 --set limits.maxConnectionsPerIP=0 2>"$work/log" &
  daemon=$!
  for _ in $(seq 1 100); do curl -sf "127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

  run_active() {
    taskset -c 1 "$bin/chorus-bench" fanout --url "ws://127.0.0.1:$port" --server-pid "$daemon" \
      --room active --viewers 100 --publishers 1 --rates 200 --seconds 10 --max-seconds 60 2>/dev/null |
      grep '^RESULT' | sed "s/^RESULT /RESULT loop=$loop idle=$1 /" | tee -a "$out" >/dev/null
  }
  run_active 0
  taskset -c 1 "$bin/chorus-bench" hold --url "ws://127.0.0.1:$port" --server-pid "$daemon" \
    --connections "$idle" --processes 2 --source-addresses 4 --room idle --probes 1 --probe-rate 0.05 --seconds 40 \
    --max-seconds 120 >"$work/hold.txt" 2>&1 &
  holder=$!
  # Wait until the idle connections are all established.
  for _ in $(seq 1 120); do
    held=$(curl -s "127.0.0.1:$port/metrics" | awk '/^chorus_connections\{role="viewer"\}/ {print int($2)}')
    [ "${held:-0}" -ge "$idle" ] && break
    sleep 0.5
  done
  sleep 5  # let the holder's single probe fan out to the idle room before measuring
  rss=$(awk '/VmRSS/ {print $2}' /proc/$daemon/status)
  echo "RSSKB loop=$loop idle=$held rss_kb=$rss" | tee -a "$out"
  run_active "$held"
  wait "$holder" || true
  kill -TERM "$daemon"; wait "$daemon" || true
  rm -rf "$work"
done
echo "results in $out"

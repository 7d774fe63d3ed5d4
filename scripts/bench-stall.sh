#!/usr/bin/env bash
# A full node through its ping rounds: N idle viewers held (`chorus-bench hold`) while a live
# room of V viewers gets R chat messages a second (`chorus-bench rooms`, one room), both against
# one daemon with the default `transport.pingIntervalSeconds` (30 s). The live room's p99 and
# the daemon's CPU over its step are read from the rooms run; the hold's line gives the idle
# weight per connection and the daemon's CPU over the whole hold.
#
#   scripts/bench-stall.sh [IDLE] [LIVE_VIEWERS] [RATE] [SECONDS]
#   scripts/bench-stall.sh 19800 100 20 100
#
# The daemon's process may open at most `ulimit -Hn` descriptors (20,000 here, and root cannot
# raise it in this sandbox), so idle + live viewers + the probes must stay under it.
# Environment: BIN_DIR, CHORUSD_ARGS (as scripts/bench-run.sh), OUT (a file for both outputs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
idle=${1:-19800}
live=${2:-100}
rate=${3:-20}
seconds=${4:-100}
bin_dir=${BIN_DIR:-$root/.build/release}
out=${OUT:-$(mktemp /tmp/chorus-stall.XXXXXX)}
port=$((20000 + RANDOM % 10000))
hold_log=$(mktemp /tmp/chorus-stall-hold.XXXXXX)

# The hold outlasts the live run: connect time, then the live room's connect and its step.
PORT=$port BIN_DIR=$bin_dir CHORUSD_ARGS="--set limits.maxConnections=$((idle + live + 50)) ${CHORUSD_ARGS:-}" \
  "$root/scripts/bench-run.sh" hold --connections "$idle" --processes 2 --source-addresses 4 \
  --seconds $((seconds + 30)) --probe-room bench-probe --probes 10 --probe-rate 0.1 >"$hold_log" 2>&1 &
hold_pid=$!
trap 'kill $hold_pid 2>/dev/null || true' EXIT

for _ in $(seq 1 600); do
  grep -q "held after" "$hold_log" 2>/dev/null && break
  kill -0 $hold_pid 2>/dev/null || { cat "$hold_log" >&2; exit 1; }
  sleep 1
done
grep -q "held after" "$hold_log" || { echo "bench-stall: the hold never connected" >&2; cat "$hold_log" >&2; exit 1; }
server_pid=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
bench_cpu=()
command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] && bench_cpu=(taskset -c "${BENCH_CPUS:-1}")
"${bench_cpu[@]}" "$bin_dir/chorus-bench" rooms --url "ws://127.0.0.1:$port" --server-pid "$server_pid" \
  --rooms 1 --viewers "$live" --rates "$rate" --seconds "$seconds" --p99-bound-ms 60 >"$out" 2>&1 || true
wait $hold_pid || true
cat "$hold_log" >>"$out"
rm -f "$hold_log"
grep -E "^RESULT" "$out" || cat "$out"
echo "output kept in $out"

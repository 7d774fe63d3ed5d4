#!/usr/bin/env bash
# Cluster mode (cluster.redis) under load: starts a throwaway redis-server (AOF, fsync always)
# and NODES chorusd nodes on loopback, runs one chorus-bench scenario with publishers on the
# first node and viewers spread over every node (--viewer-url), and reports, besides the
# bench's own figures (its srvCPU% is node 1's, per step), Redis's commands per second and CPU
# and each node's CPU over the whole run.
# Usage:
#
#   scripts/bench-cluster.sh fanout --viewers 999 --publishers 4 --rates 1000,3000 --seconds 10
#   scripts/bench-cluster.sh rooms --rooms 200 --viewers 3 --rates 5,25,100 --seconds 10
#
# Environment: BIN_DIR (default .build/release), NODES (default 3), CHORUSD_ARGS (extra chorusd
# arguments for every node), APPENDFSYNC (always, the default, or everysec), KEEP=1 (keep the
# temp dir: configs, logs). Nothing is pinned: on a 2-CPU machine the nodes, Redis and the bench
# share both cores, which the figures include.
set -euo pipefail
if [ $# -lt 1 ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi
scenario=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=${BIN_DIR:-$root/.build/release}
nodes=${NODES:-3}
work=$(mktemp -d /tmp/chorus-bench-cluster.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cpu_ticks() {  # utime + stime of a process, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly yes \
  --appendfsync "${APPENDFSYNC:-always}" --logfile "$work/redis.log" &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done

urls=()
node_pids=()
for index in $(seq 1 "$nodes"); do
  port=$(free_port)
  mkdir -p "$work/node$index"
  # The bench publishes far faster per connection than a viewer may: no rate or address limits.
  cat >"$work/node$index/chorusd.json" <<JSON
{"listen":{"host":"127.0.0.1","port":$port},"rooms":{"autoCreate":true},"stateDir":"$work/node$index/state",
 "cluster":{"redis":["redis://127.0.0.1:$redis_port"]},
 "limits":{"chatPerWindow":0,"likesPerSecond":0,"commercePerSecond":0,"giftsPerSecond":0,"maxConnectionsPerIP":0}}
JSON
  # shellcheck disable=SC2086 # CHORUSD_ARGS is a list of words
  "$bin_dir/chorusd" --config "$work/node$index/chorusd.json" ${CHORUSD_ARGS:-} >"$work/node$index/log" 2>&1 &
  node_pids+=($!)
  pids+=($!)
  urls+=("ws://127.0.0.1:$port")
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
done

viewer_urls=()
for url in "${urls[@]:1}"; do viewer_urls+=(--viewer-url "$url"); done
commands_before=$(redis-cli -p "$redis_port" info stats | awk -F: '/^total_commands_processed/ { print $2+0 }')
redis_before=$(cpu_ticks "$redis_pid")
node_before=()
for pid in "${node_pids[@]}"; do node_before+=("$(cpu_ticks "$pid")"); done
started=$(date +%s.%N)
# The bench's server CPU columns are node 1's (the publishers' node).
"$bin_dir/chorus-bench" "$scenario" --url "${urls[0]}" "${viewer_urls[@]}" --server-pid "${node_pids[0]}" "$@"
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
commands_after=$(redis-cli -p "$redis_port" info stats | awk -F: '/^total_commands_processed/ { print $2+0 }')
redis_after=$(cpu_ticks "$redis_pid")
hz=$(getconf CLK_TCK)
echo "cluster: $nodes nodes, redis appendfsync ${APPENDFSYNC:-always}, whole run ${elapsed%.*} s"
echo "redis: $(( (commands_after - commands_before) ))" "commands," \
  "$(echo "scale=0; ($commands_after - $commands_before) / $elapsed" | bc) commands/s," \
  "CPU $(echo "scale=1; 100 * ($redis_after - $redis_before) / $hz / $elapsed" | bc) % of a core"
for index in "${!node_pids[@]}"; do
  after=$(cpu_ticks "${node_pids[$index]}")
  echo "node $((index + 1)): CPU $(echo "scale=1; 100 * ($after - ${node_before[$index]}) / $hz / $elapsed" | bc) % of a core"
done

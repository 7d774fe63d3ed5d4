#!/usr/bin/env bash
# Measures chorusd against a plain pub/sub relay (the peer) on one scenario, alternating their
# runs (chorus, peer, chorus, peer, …) as scripts/bench-ab.sh does, then prints each side's
# medians (scripts/bench-median.py) and the chorus / peer ratios of server CPU per delivery and
# of server CPU %. Usage:
#
#   PEER_CMD='/work/peers/uws-pubsub/uws-pubsub {port}' \
#       scripts/bench-peer.sh ROUNDS SCENARIO [chorus-bench arguments…]
#   PEER_CMD='/work/peers/uws-pubsub/uws-pubsub {port}' \
#       scripts/bench-peer.sh 3 fanout --viewers 1000 --publishers 4 --rates 500,1000 --seconds 10
#
# SCENARIO is fanout or rooms. The peer must subscribe each socket to its `room` query
# parameter and relay every text message verbatim to the room's other members; the bench
# drives it with `--server plain` (no welcome, no sequence numbers). PEER_CMD is a command line
# in which {port} becomes a free loopback port; scripts/bench-run.sh starts it (SERVER_CMD),
# pins it like chorusd (DAEMON_CPUS / BENCH_CPUS) and stops it after each run.
# Every run's output is kept in OUT (default: a new temp dir), named chorus-runN.txt and
# peer-runN.txt. Other environment variables go to scripts/bench-run.sh.
set -euo pipefail
if [ $# -lt 2 ] || [ -z "${PEER_CMD:-}" ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=$1
scenario=$2
shift 2
out=${OUT:-$(mktemp -d /tmp/chorus-peer.XXXXXX)}
mkdir -p "$out"
# Ctrl-C reaches the running bench-run.sh too, which stops its server; then stop here rather
# than go on to the next run.
trap 'exit 130' INT TERM
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds: chorus" >&2
  "$root/scripts/bench-run.sh" "$scenario" "$@" >"$out/chorus-run$round.txt" 2>&1 || true
  echo "round $round/$rounds: peer ($PEER_CMD)" >&2
  SERVER_CMD=$PEER_CMD "$root/scripts/bench-run.sh" "$scenario" --server plain "$@" \
    >"$out/peer-run$round.txt" 2>&1 || true
done
for side in chorus peer; do
  echo "== $side"
  "$root/scripts/bench-median.py" "$out"/$side-run*.txt || true
done
echo "== chorus / peer"
"$root/scripts/bench-median.py" --ratio "$out"/chorus-run*.txt -- "$out"/peer-run*.txt || true
echo "runs kept in $out"

#!/usr/bin/env bash
# Instructions per ingested message, counted by valgrind's callgrind: repeatable where CPU time
# is not (the same binary and load give the same count whatever else the machine does).
# Runs chorusd (release, debug info stripped: valgrind 3.19 cannot read Swift's DWARF 5) under
# callgrind with one service thread, sends a fixed ingest load, and prints the totals and the
# top inclusive costs divided by the number of messages.
# Usage: scripts/bench-callgrind.sh [RATE msg/s, default 2500] [SECONDS, default 10]
# Environment: ROOMS (5), PUBLISHERS (100), FEED (what publishers receive: none, the ingest
# default, or all: every batch of their room, as before 2026-11-22's send-only viewers),
# OUT (callgrind output file, default in a temp dir), THREADS (service threads, default 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rate=${1:-2500}
seconds=${2:-10}
work=$(mktemp -d /tmp/chorus-callgrind.XXXXXX)
out=${OUT:-$work/callgrind.out}
for tool in valgrind callgrind_annotate objcopy; do
  command -v "$tool" >/dev/null || { echo "bench-callgrind: $tool is missing (apt-get install valgrind binutils)" >&2; exit 1; }
done
objcopy --strip-debug "$root/.build/release/chorusd" "$work/chorusd"
port=$((20000 + RANDOM % 10000))
valgrind --tool=callgrind --callgrind-out-file="$out" "$work/chorusd" --listen "127.0.0.1:$port" \
  --set rooms.autoCreate=true --set transport.serviceThreads="${THREADS:-1}" --state-dir "$work/state" \
  --set limits.chatPerWindow=0 --set limits.likesPerSecond=0 --set limits.commercePerSecond=0 \
  --set limits.giftsPerSecond=0 --set limits.maxConnectionsPerIP=0 2>"$work/valgrind.log" &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null || true; wait $daemon 2>/dev/null || true; [ -n "${OUT:-}" ] || rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && { exec 3>&-; break; }
  sleep 0.2
done
report=$("$root/.build/release/chorus-bench" ingest --url "ws://127.0.0.1:$port" --rooms "${ROOMS:-5}" \
  --publishers "${PUBLISHERS:-100}" --publisher-feed "${FEED:-none}" --readers 1 --rates "$rate" --seconds "$seconds" --p99-bound-ms 100000 2>/dev/null)
messages=$(grep -o '"accepted":[0-9]*' <<<"$report" | head -1 | cut -d: -f2)
kill -TERM $daemon
wait $daemon || true
echo "accepted messages: $messages (publishers' feed: ${FEED:-none})"
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v n="$messages" '
  function show(label) { cost = $1; gsub(",", "", cost); printf "%8.0f  %s\n", cost / n, label }
  /PROGRAM TOTALS/ { gsub(",", "", $1); printf "%8.0f  total instructions per message\n", $1 / n }
  /ReceivePathC7receive/ { show("receive (decode + tag + hub ingest)") }
  /ClientFrameDecoderV6decode/ { show("  ClientFrameDecoder.decode") }
  /CLD2TaggerV3tag/ { show("  CLD2Tagger.tag") }
  /ModelTaggerV3tag_5hints/ { show("  ModelTagger.tag") }
  /detect_strict/ { show("    CLD2 ExtDetectLanguageSummary (strict)") }
  /HubV6ingest/ { show("  Hub.ingest") }
  /HubV5flush/ { show("Hub.flush (batch encoding)") }
  /ServiceThreadC10drainInbox[0-9A-Za-z_]*yyF \[/ { show("deliveries (Shard.deliver, writes)") }'

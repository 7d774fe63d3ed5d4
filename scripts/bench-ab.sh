#!/usr/bin/env bash
# Compares two builds on one scenario by alternating their runs (A, B, A, B, …) and printing
# each build's medians (scripts/bench-median.py). On a shared 2-core VM the same binary varies
# by ±15 % from one minute to the next, so back-to-back blocks of runs mostly measure the hour;
# alternation spreads that drift over both builds.
#
#   scripts/bench-ab.sh DIR_A DIR_B ROUNDS SCENARIO [chorus-bench arguments…]
#   scripts/bench-ab.sh /tmp/old/.build/release .build/release 3 ingest --rooms 50 \
#       --publishers 500 --readers 1 --rates 60000,70000 --seconds 10
#
# DIR_A and DIR_B each hold a chorusd and a chorus-bench (build the older commit in a
# `git worktree`). Every run's output is kept in OUT (default: a new temp dir), named
# a-runN.txt and b-runN.txt. Other environment variables go to scripts/bench-run.sh.
set -euo pipefail
if [ $# -lt 4 ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
dir_a=$(cd "$1" && pwd)
dir_b=$(cd "$2" && pwd)
rounds=$3
shift 3
out=${OUT:-$(mktemp -d /tmp/chorus-ab.XXXXXX)}
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
  for side in a b; do
    dir=$dir_a
    [ "$side" = b ] && dir=$dir_b
    echo "round $round/$rounds: $side ($dir)" >&2
    BIN_DIR=$dir "$root/scripts/bench-run.sh" "$@" >"$out/$side-run$round.txt" 2>&1 || true
  done
done
for side in a b; do
  echo "== $side: $([ "$side" = a ] && echo "$dir_a" || echo "$dir_b")"
  "$root/scripts/bench-median.py" "$out"/$side-run*.txt
done
echo "runs kept in $out"

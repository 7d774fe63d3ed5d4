#!/usr/bin/env bash
# One core versus two: fan-out (1 room × 1,000 viewers) and ingest (500 publishers over 50 rooms)
# with transport.serviceThreads=1 and =2, nothing pinned (the bench shares the machine's cores).
# Each RESULT line carries serverThreadCPUPercent, the CPU of every service thread (chorus-svc-N).
# Usage: scripts/bench-cores.sh [OUT_PREFIX]   (default docs/bench/cores; writes PREFIX-T-fanout.txt …)
set -euo pipefail
here=$(dirname "$0")
prefix=${1:-docs/bench/cores}
for threads in 1 2; do
  PIN=0 CHORUSD_ARGS="--set transport.serviceThreads=$threads" "$here/bench-run.sh" fanout \
    --viewers 1000 --publishers 4 --rates 4000,6000,8000,10000,12000,14000 --seconds 10 --p99-bound-ms 250 \
    >"$prefix-$threads-fanout.txt"
  PIN=0 CHORUSD_ARGS="--set transport.serviceThreads=$threads" "$here/bench-run.sh" ingest \
    --rooms 50 --publishers 500 --readers 1 --rates 40000,60000,80000,100000,120000 --seconds 10 \
    >"$prefix-$threads-ingest.txt"
done

#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (ChorusCore's parsers, with AddressSanitizer) and runs
# each for SECONDS (default 60). Any crash, leak, sanitizer report or failed invariant fails
# the run; libFuzzer leaves the input as Fuzz/.build/artifacts/<target>/crash-… to reproduce
# with `Fuzz/.build/debug/<target> <file>`.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Targets run FUZZ_JOBS at a time (default: one per CPU).
# The committed seeds are Fuzz/Corpus/<target>/; what a run finds grows in
# Fuzz/.build/corpus/<target>/ (not committed), so later runs start from it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(FuzzFrameDecoder FuzzHandshake FuzzConsoleToken FuzzConfig)
fi

# swiftc's `-sanitize=fuzzer` links libFuzzer but (Swift 6.3) adds no coverage instrumentation
# by itself: without `-sanitize-coverage` libFuzzer finds no new input, ever. ld.gold's notes
# about ASan's local symbols ("Cannot export local symbol") are noise and filtered out.
mkdir -p Fuzz/.build
build_log=Fuzz/.build/build.log
if ! swift build --package-path Fuzz --sanitize=fuzzer --sanitize=address \
  -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp >"$build_log" 2>&1; then
  grep -v "Cannot export local symbol" "$build_log" >&2 || true
  echo "fuzz: build failed" >&2
  exit 1
fi
grep -v "Cannot export local symbol" "$build_log" | tail -n 1 || true

# Each target alone on a core: FUZZ_JOBS (default: the number of CPUs) run at once.
jobs=${FUZZ_JOBS:-$(nproc)}
run_target() {
  local target=$1
  local corpus="Fuzz/.build/corpus/$target"
  local artifacts="Fuzz/.build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  local log="Fuzz/.build/artifacts/$target.log"
  # SWIFT_BACKTRACE: the runtime's backtracer trips ASan itself after a failed precondition.
  if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" "Fuzz/.build/debug/$target" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz: $target FAILED (log: $log)" >&2
    return 1
  fi
  local runs
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: $target ok: $runs executions in ${seconds}s, corpus $(find "$corpus" -type f | wc -l) files"
}

status=0
pids=()
for target in "${targets[@]}"; do
  echo "fuzz: $target for ${seconds}s"
  run_target "$target" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    pids=()
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status

#!/usr/bin/env bash
# Runs the whole test suite: the format lint, Swift unit tests, then the integration tests,
# which start the real daemon on 127.0.0.1 and drive it with Python's `websockets` client.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Generated tables and the locale files are checked like code.
scripts/regions/generate.py --verify
python3 scripts/locales/check.py

# Formatting is checked like code: any finding fails the run.
swift format lint --strict -r Sources Tests Package.swift Fuzz/Sources Fuzz/Package.swift

# One build for the unit tests and the daemon the integration tests start; a warning fails it.
swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build

# ChorusCore's parsers under libFuzzer and AddressSanitizer, 60 s per target (Fuzz/,
# docs/security.md "Bad content and fuzzing"): a crash or a failed invariant fails the run.
scripts/fuzz.sh 60

# The unit tests again under AddressSanitizer (and LeakSanitizer), in their own scratch path:
# any report fails the run. Only XCTest's own runner leak is suppressed (the file says which).
swift build --build-tests --scratch-path .build/asan --sanitize=address
LSAN_OPTIONS="suppressions=$PWD/Tests/asan/lsan-suppressions.txt" \
  swift test --scratch-path .build/asan --sanitize=address --skip-build

venv=.build/integration-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r Tests/integration/requirements.txt

# The daemon again under ThreadSanitizer, with two service threads: any data race fails the run.
swift build --scratch-path .build/tsan --sanitize=thread --product chorusd
rm -rf .build/tsan-reports && mkdir -p .build/tsan-reports
TSAN_OPTIONS="log_path=$PWD/.build/tsan-reports/report" CHORUS_SANITIZER=thread CHORUS_TRANSPORT_SERVICE_THREADS=2 \
  CHORUSD="$PWD/.build/tsan/debug/chorusd" "$venv/bin/python" -m pytest -q Tests/integration
if compgen -G ".build/tsan-reports/report*" >/dev/null; then
  cat .build/tsan-reports/report*
  echo "ThreadSanitizer reported races in chorusd" >&2
  exit 1
fi
echo "ThreadSanitizer: no reports"

# Then the plain build with one service thread (the run above had two: connections and rooms
# spread over two lws contexts, under ThreadSanitizer, which also times things differently).
CHORUS_TRANSPORT_SERVICE_THREADS=1 CHORUSD="$PWD/.build/debug/chorusd" "$venv/bin/python" -m pytest -q Tests/integration

# RFC 6455 conformance: Autobahn|Testsuite cases 1-10 against chorus-echo (about a minute).
scripts/autobahn.sh .build/debug/chorus-echo

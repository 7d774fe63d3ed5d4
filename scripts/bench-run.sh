#!/usr/bin/env bash
# Starts a throwaway chorusd on a free loopback port and runs one chorus-bench scenario
# against it, then stops the daemon. Usage:
#
#   scripts/bench-run.sh fanout --viewers 1000 --rates 500,1000,2000 --seconds 10
#   scripts/bench-run.sh hold --connections 2000
#   scripts/bench-run.sh rooms --rooms 200 --viewers 10 --rates 1,5,20
#
# Everything after the scenario goes to chorus-bench; --url and --server-pid are added.
# Environment:
#   BIN_DIR      where chorusd and chorus-bench are (default .build/release; build them with
#                swift build -c release --product chorusd && ... --product chorus-bench)
#   PORT         port for the daemon (default: a free one in 20000-29999)
#   PIN=0        do not pin (default pins chorusd to DAEMON_CPUS=0 and the bench to
#                BENCH_CPUS=1 when taskset exists and there are at least 2 CPUs)
#   CHORUSD_ARGS extra chorusd arguments, e.g. "--set batch.maxDelayMs=20"
#   KEEP=1       keep the temp dir (config, state, daemon log) after the run
#   KILL_AFTER=S kill -9 the daemon S seconds into the bench and start it again on the same
#                port and state directory (for `count --reconnect`); prints its recovery log line
#   SERVER_CMD   run this server instead of chorusd, pinned and stopped the same way: a command
#                line (run by bash) in which {port} becomes the port, e.g.
#                SERVER_CMD='/work/peers/uws-pubsub/uws-pubsub {port}'. It is ready once the port
#                accepts TCP; its output goes to the temp dir's server.log. Pass the bench
#                --server plain for a plain pub/sub relay (see scripts/bench-peer.sh).
#   TLS=ec|rsa   serve wss:// with a fresh self-signed certificate (ECDSA P-256 or RSA-2048; TLS=1
#                is ec) made in the temp dir, or TLS_CERT and TLS_KEY; SERVER_CMD may name them
#                as {cert} and {key}; the bench gets a wss:// URL
#   RELOAD_AFTER=S  (with TLS, chorusd only) S seconds into the bench, replace the certificate
#                and key with new ones and send SIGHUP; after the bench, check that a new
#                connection is served the new certificate (the run fails if not)
set -euo pipefail

if [ $# -lt 1 ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi
scenario=$1
shift

root=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=${BIN_DIR:-$root/.build/release}
chorusd=$bin_dir/chorusd
bench=$bin_dir/chorus-bench
server_cmd=${SERVER_CMD:-}
server_name=chorusd
[ -n "$server_cmd" ] && server_name=${server_cmd%% *} && server_name=${server_name##*/}
binaries=("$bench")
[ -z "$server_cmd" ] && binaries+=("$chorusd")
for binary in "${binaries[@]}"; do
  if [ ! -x "$binary" ]; then
    echo "bench-run: $binary is missing; build with: swift build -c release" >&2
    exit 1
  fi
done

port_in_use() {
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null && exec 3>&-
}

port=${PORT:-}
if [ -z "$port" ]; then
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 10000))
    if ! port_in_use "$candidate"; then
      port=$candidate
      break
    fi
  done
fi
if [ -z "$port" ]; then
  echo "bench-run: no free port found" >&2
  exit 1
fi

scheme=ws
tls=${TLS:-}
[ "$tls" = 0 ] && tls=
make_certificate() { # make_certificate NAME: writes $work/tls/NAME-cert.pem and NAME-key.pem
  local key_options=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
  [ "$tls" = rsa ] && key_options=(-newkey rsa:2048)
  openssl req -x509 "${key_options[@]}" -nodes -days 30 -subj "/CN=localhost-$1" \
    -keyout "$work/tls/$1-key.pem" -out "$work/tls/$1-cert.pem" 2>/dev/null
}
fingerprint() { openssl x509 -noout -fingerprint -sha256 "$@" | cut -d= -f2; }

daemon_cpu=()
bench_cpu=()
if [ "${PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  daemon_cpu=(taskset -c "${DAEMON_CPUS:-0}")
  bench_cpu=(taskset -c "${BENCH_CPUS:-1}")
fi

work=$(mktemp -d /tmp/chorus-bench.XXXXXX)
server_log=$work/chorusd.log
[ -n "$server_cmd" ] && server_log=$work/server.log
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"
    for _ in $(seq 1 50); do
      kill -0 "$daemon_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$daemon_pid" 2>/dev/null; then
      echo "bench-run: $server_name still running 5 s after SIGTERM; sending SIGKILL" >&2
      kill -KILL "$daemon_pid"
    fi
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "bench-run: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tls_json=
if [ -n "$tls" ]; then
  [ "$tls" = 1 ] && tls=ec
  case $tls in ec | rsa) ;; *) echo "bench-run: TLS must be ec, rsa or 1" >&2; exit 2 ;; esac
  mkdir -p "$work/tls"
  if [ -n "${TLS_CERT:-}" ]; then
    cp "$TLS_CERT" "$work/tls/first-cert.pem"
    cp "$TLS_KEY" "$work/tls/first-key.pem"
  else
    make_certificate first
  fi
  cp "$work/tls/first-cert.pem" "$work/tls/cert.pem"
  cp "$work/tls/first-key.pem" "$work/tls/key.pem"
  tls_json=',"tls":{"certificateFile":"'$work/tls/cert.pem'","privateKeyFile":"'$work/tls/key.pem'"}'
  scheme=wss
  server_cmd=${server_cmd//\{cert\}/$work/tls/cert.pem}
  server_cmd=${server_cmd//\{key\}/$work/tls/key.pem}
fi

# The bench publishes far faster per connection than any viewer may (limits.chatPerWindow …) and
# opens thousands of connections from a few loopback addresses: no rate or per-address limits.
cat >"$work/chorusd.json" <<JSON
{"listen":{"host":"127.0.0.1","port":$port},"rooms":{"autoCreate":true},"stateDir":"$work/state",
 "limits":{"chatPerWindow":0,"likesPerSecond":0,"commercePerSecond":0,"giftsPerSecond":0,"maxConnectionsPerIP":0}$tls_json}
JSON

# One descriptor per connection on both sides: use the whole hard limit.
ulimit -n "$(ulimit -Hn)"

# Pinned to one CPU, the daemon gets one service thread unless CHORUSD_ARGS says otherwise.
threads=()
[ ${#daemon_cpu[@]} -gt 0 ] && threads=(--set transport.serviceThreads=1)
# An external server: `exec` keeps its pid the one taskset started, so --server-pid samples it.
start_server_cmd() {
  "${daemon_cpu[@]}" bash -c "exec ${server_cmd//\{port\}/$port}" >>"$server_log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 100); do
    kill -0 "$daemon_pid" 2>/dev/null || break
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      exec 3>&-
      return
    fi
    sleep 0.1
  done
  echo "bench-run: $server_name did not listen on port $port; its output:" >&2
  cat "$server_log" >&2
  exit 1
}

# The first line of GET /healthz's answer, over TLS when the daemon serves it.
healthz_status_line() {
  local request='GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n'
  if [ -n "$tls" ]; then
    # shellcheck disable=SC2059 # the request's escapes are meant for printf
    printf "$request" | openssl s_client -quiet -connect "127.0.0.1:$port" 2>/dev/null | head -1
  elif { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    # shellcheck disable=SC2059
    printf "$request" >&3
    local line=
    read -r line <&3 || true
    exec 3>&-
    echo "$line"
  fi
}

start_daemon() {
  if [ -n "$server_cmd" ]; then
    start_server_cmd
    return
  fi
  # shellcheck disable=SC2086 # CHORUSD_ARGS is split on purpose
  "${daemon_cpu[@]}" "$chorusd" --config "$work/chorusd.json" "${threads[@]}" ${CHORUSD_ARGS:-} \
    2>>"$work/chorusd.log" &
  daemon_pid=$!

  healthy=0
  for _ in $(seq 1 100); do
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
      break
    fi
    if [[ $(healthz_status_line) == *" 200 "* ]]; then
      healthy=1
      break
    fi
    sleep 0.1
  done
  if [ "$healthy" != 1 ]; then
    echo "bench-run: chorusd did not become healthy on port $port; its log:" >&2
    cat "$work/chorusd.log" >&2
    exit 1
  fi
}
start_daemon
echo "bench-run: $server_name pid $daemon_pid on 127.0.0.1:$port${daemon_cpu:+ (CPU ${DAEMON_CPUS:-0}, bench on CPU ${BENCH_CPUS:-1})}" >&2

status=0
url="$scheme://127.0.0.1:$port"
if [ -n "${RELOAD_AFTER:-}" ]; then
  if [ -z "$tls" ] || [ -n "$server_cmd" ]; then
    echo "bench-run: RELOAD_AFTER needs TLS and chorusd" >&2
    exit 2
  fi
  "${bench_cpu[@]}" "$bench" "$scenario" --url "$url" --server-pid "$daemon_pid" "$@" &
  bench_pid=$!
  make_certificate second
  sleep "$RELOAD_AFTER"
  # Renamed into place so the daemon never reads half a file.
  cp "$work/tls/second-key.pem" "$work/tls/key.pem.new" && mv "$work/tls/key.pem.new" "$work/tls/key.pem"
  cp "$work/tls/second-cert.pem" "$work/tls/cert.pem.new" && mv "$work/tls/cert.pem.new" "$work/tls/cert.pem"
  kill -HUP "$daemon_pid"
  echo "bench-run: SIGHUP with a new certificate at ${RELOAD_AFTER} s" >&2
  wait "$bench_pid" || status=$?
  served=$(openssl s_client -connect "127.0.0.1:$port" </dev/null 2>/dev/null | fingerprint)
  expected=$(fingerprint -in "$work/tls/second-cert.pem")
  if [ "$served" = "$expected" ]; then
    echo "bench-run: a new connection after the reload is served the new certificate ($expected)" >&2
  else
    echo "bench-run: a new connection after the reload is served $served, not the new $expected" >&2
    status=1
  fi
  grep -i "reload\|certificate" "$work/chorusd.log" | tail -5 | sed 's/^/bench-run: log: /' >&2 || true
elif [ -n "${KILL_AFTER:-}" ]; then
  "${bench_cpu[@]}" "$bench" "$scenario" --url "$url" --server-pid "$daemon_pid" "$@" &
  bench_pid=$!
  sleep "$KILL_AFTER"
  killed_at=$(date +%s.%N)
  kill -KILL "$daemon_pid"
  wait "$daemon_pid" 2>/dev/null || true
  start_daemon
  back_at=$(date +%s.%N)
  echo "bench-run: kill -9 at ${KILL_AFTER} s; $server_name pid $daemon_pid healthy again after" \
    "$(awk -v a="$killed_at" -v b="$back_at" 'BEGIN { printf "%.2f", b - a }') s" >&2
  grep "counts recovered" "$work/chorusd.log" | tail -1 >&2 || true
  wait "$bench_pid" || status=$?
else
  "${bench_cpu[@]}" "$bench" "$scenario" --url "$url" --server-pid "$daemon_pid" "$@" || status=$?
fi
if ! kill -0 "$daemon_pid" 2>/dev/null; then
  echo "bench-run: $server_name exited during the run; its log:" >&2
  tail -50 "$server_log" >&2
  status=1
fi
if [ -f "$work/state/counters.sqlite3" ]; then
  echo "bench-run: database $(du -cb "$work/state"/counters.sqlite3* | tail -1 | cut -f1) bytes" \
    "(counters.sqlite3 and its WAL)" >&2
  grep '"commits"\|commits' "$work/chorusd.log" | grep p50_ms | sed 's/^/bench-run: /' >&2 || true
fi
exit "$status"

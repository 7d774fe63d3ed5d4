"""Drain in waves: on SIGTERM a full node closes its connections `shutdown.drainPerWave` at a
time, one wave per `shutdown.drainWaveIntervalMs`, each with the localized `server_restarting`
notice and 1001, so its clients do not all reconnect in the same second."""

from __future__ import annotations

import bisect
import json
import selectors
import signal
import struct
import time

from chorustest import RawWebSocket

CONNECTIONS = 2000
PER_WAVE = 250
INTERVAL_MS = 300


def read_until_closed(sockets: list[RawWebSocket], timeout: float) -> dict[int, tuple[float, list[dict]]]:
    """For each connection, when its close frame arrived and the text frames before it."""
    selector = selectors.DefaultSelector()
    for index, raw in enumerate(sockets):
        raw.sock.setblocking(False)
        selector.register(raw.sock, selectors.EVENT_READ, index)
    closed: dict[int, tuple[float, list[dict]]] = {}
    frames: dict[int, list[dict]] = {index: [] for index in range(len(sockets))}
    deadline = time.monotonic() + timeout
    while len(closed) < len(sockets) and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.5):
            index = key.data
            raw = sockets[index]
            try:
                chunk = raw.sock.recv(1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                selector.unregister(raw.sock)
                closed.setdefault(index, (time.monotonic(), frames[index] + [{"type": "tcp-close"}]))
                continue
            raw.buffer += chunk
            while len(raw.buffer) >= 2:
                opcode, length, header = raw.buffer[0] & 0x0F, raw.buffer[1] & 0x7F, 2
                if length == 126:
                    if len(raw.buffer) < 4:
                        break
                    length, header = struct.unpack("!H", raw.buffer[2:4])[0], 4
                if len(raw.buffer) < header + length:
                    break
                payload, raw.buffer = raw.buffer[header:header + length], raw.buffer[header + length:]
                if opcode == 0x1:
                    frames[index].append(json.loads(payload))
                elif opcode == 0x8 and index not in closed:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    closed[index] = (time.monotonic(), frames[index] + [{"type": "close", "code": code}])
    selector.close()
    return closed


def test_sigterm_closes_a_full_node_in_waves_with_the_notice_and_1001(chorusd) -> None:
    daemon = chorusd({"limits": {"maxConnectionsPerIP": 0},
                      "shutdown": {"drainPerWave": PER_WAVE, "drainWaveIntervalMs": INTERVAL_MS}})
    sockets = [RawWebSocket(daemon.port, "/v1/viewer?room=lobby&locale=pt-BR", timeout=30)
               for _ in range(CONNECTIONS)]
    try:
        for raw in sockets:
            assert raw.recv(timeout=30)["type"] == "welcome"
        signalled = time.monotonic()
        daemon.signal(signal.SIGTERM)
        closed = read_until_closed(sockets, timeout=60)
        assert len(closed) == CONNECTIONS, f"only {len(closed)} of {CONNECTIONS} closed"
        for _, received in closed.values():
            assert received[-1] == {"type": "close", "code": 1001}, received[-3:]
            notices = [f for f in received if f.get("type") == "notice"]
            assert [n["notice"] for n in notices] == ["server_restarting"], received
            assert "reiniciando" in notices[0]["text"]  # pt-BR, as the viewer asked
        times = sorted(at - signalled for at, _ in closed.values())
        waves = CONNECTIONS // PER_WAVE
        spread = times[-1] - times[0]
        print(f"closes spread over {spread:.2f} s (first {times[0]:.2f} s, last {times[-1]:.2f} s)")
        # Waves a whole interval apart: the spread is at least most of (waves - 1) intervals, and
        # no interval's worth of time holds much more than one wave.
        assert spread >= 0.8 * (waves - 1) * INTERVAL_MS / 1000, spread
        half = INTERVAL_MS / 1000 * 0.5
        busiest = max(bisect.bisect_left(times, start + half) - i for i, start in enumerate(times))
        assert busiest <= PER_WAVE * 1.2, f"{busiest} closes within half an interval"
        assert daemon.wait_exit(timeout=30) == 0
    finally:
        for raw in sockets:
            raw.sock.close()

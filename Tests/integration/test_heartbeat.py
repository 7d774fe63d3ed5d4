"""Heartbeats: thousands of idle connections across several ping rounds, beside a live room.

Connections that answer pings stay open; ones that never answer are dropped as `pong_overdue`;
a live room's latency and the daemon's CPU stay bounded while it happens. The bounds are loose
on purpose (this also runs under ThreadSanitizer on a busy CI host): the precise figures are
the benchmark's (docs/performance.md). A ping round that walked a list per connection, as
lws's own validity timers did, cost seconds of CPU at 20,000 connections.
"""

from __future__ import annotations

import base64
import os
import resource
import selectors
import socket
import struct
import threading
import time

from chorustest import metric_sum, wait_metric

INTERVAL_S = 2
ANSWERING = 1500
SILENT = 1500


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed), hard))


def open_idle_viewers(port: int, count: int, room: str) -> list[socket.socket]:
    """Opens `count` WebSockets with raw sockets: every handshake is sent first, then every
    answer read, so thousands connect in a second or two."""
    sockets = []
    for index in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET /v1/viewer?room={room}&user=idle{index} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   f"Sec-WebSocket-Version: 13\r\n\r\n")
        sock.sendall(request.encode())
        sockets.append(sock)
    for sock in sockets:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            assert chunk, "closed during the handshake"
            head += chunk
        assert head.startswith(b"HTTP/1.1 101"), head[:80]
        sock.setblocking(False)
    return sockets


def pong(payload: bytes) -> bytes:
    mask = os.urandom(4)
    return bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class Answerer:
    """Reads every answering socket, answers each ping with a pong, and counts pings per socket."""

    def __init__(self, sockets: list[socket.socket]):
        self.selector = selectors.DefaultSelector()
        self.buffers: dict[socket.socket, bytes] = {}
        self.pings: dict[socket.socket, int] = {}
        self.closed: set[socket.socket] = set()
        for sock in sockets:
            self.selector.register(sock, selectors.EVENT_READ)
            self.buffers[sock] = b""
            self.pings[sock] = 0

    def run(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for key, _ in self.selector.select(timeout=0.05):
                sock = key.fileobj
                try:
                    chunk = sock.recv(65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    self.closed.add(sock)
                    self.selector.unregister(sock)
                    continue
                self.buffers[sock] = self.consume(sock, self.buffers[sock] + chunk)

    def consume(self, sock: socket.socket, data: bytes) -> bytes:
        while len(data) >= 2:
            opcode, length, header = data[0] & 0x0F, data[1] & 0x7F, 2
            if length == 126:
                if len(data) < 4:
                    break
                length, header = struct.unpack("!H", data[2:4])[0], 4
            elif length == 127:
                if len(data) < 10:
                    break
                length, header = struct.unpack("!Q", data[2:10])[0], 10
            if len(data) < header + length:
                break
            if opcode == 0x9:
                self.pings[sock] += 1
                sock.setblocking(True)
                sock.sendall(pong(data[header:header + length]))
                sock.setblocking(False)
            data = data[header + length:]
        return data


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_idle_connections_are_pinged_dead_ones_dropped_and_a_live_room_stays_fast(chorusd) -> None:
    raise_fd_limit(ANSWERING + SILENT + 256)
    daemon = chorusd({
        "transport": {"pingIntervalSeconds": INTERVAL_S},
        "rooms": {"static": ["lobby", "quiet"]},
        "limits": {"maxConnectionsPerIP": 0, "chatPerWindow": 0},
    })
    # The silent ones first: the answering ones must start reading soon after they connect.
    silent = open_idle_viewers(daemon.port, SILENT, "quiet")
    answering = open_idle_viewers(daemon.port, ANSWERING, "quiet")
    publisher = daemon.viewer("lobby", feed="none")
    reader = daemon.viewer("lobby")
    latencies: list[float] = []
    sent: dict[str, float] = {}
    stop = threading.Event()

    def publish() -> None:
        index = 0
        while not stop.is_set():
            cid = f"m{index}"
            sent[cid] = time.monotonic()
            publisher.send({"type": "chat", "text": "is the blue one still in stock", "cid": cid})
            index += 1
            time.sleep(0.05)  # 20 msg/s

    def read() -> None:
        while not stop.is_set():
            try:
                frame = reader.recv(timeout=0.5)
            except TimeoutError:
                continue
            now = time.monotonic()
            for message in frame.get("messages", []) if frame.get("type") == "batch" else []:
                if message.get("cid") in sent:
                    latencies.append(now - sent[message["cid"]])

    threads = [threading.Thread(target=publish), threading.Thread(target=read)]
    try:
        cpu_before, wall_before = cpu_seconds(daemon.pid), time.monotonic()
        for thread in threads:
            thread.start()
        answerer = Answerer(answering)
        hold_s = 3 * INTERVAL_S + 1.5
        answerer.run(hold_s)
        cpu = cpu_seconds(daemon.pid) - cpu_before
        wall = time.monotonic() - wall_before
        stop.set()
        for thread in threads:
            thread.join()

        latencies.sort()
        p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("inf")
        print(f"HEARTBEAT {ANSWERING + SILENT} idle viewers, {INTERVAL_S} s pings: daemon {cpu:.2f} s CPU in "
              f"{wall:.1f} s; live room p99 {p99 * 1000:.0f} ms over {len(latencies)} deliveries; "
              f"pings per answering viewer {min(answerer.pings.values())}-{max(answerer.pings.values())}")
        # Every answering viewer was pinged in each round it lived through (once an interval),
        # and kept.
        assert not answerer.closed, f"{len(answerer.closed)} answering viewers were closed"
        rounds = sorted(answerer.pings.values())
        assert rounds[0] >= 2, f"fewest pings seen by one viewer: {rounds[0]} in {hold_s} s"
        assert rounds[-1] <= 4, f"most pings seen by one viewer: {rounds[-1]} in {hold_s} s"
        # Every silent one was dropped for its overdue pong, and said so in the metrics.
        wait_metric(daemon, "chorus_server_close_reasons_total", SILENT, timeout=3 * INTERVAL_S,
                    reason="pong_overdue")
        assert metric_sum(daemon.metrics(), "chorus_pings_sent_total") >= 2 * ANSWERING + SILENT
        # The live room: every message delivered, and quickly, through every round.
        assert len(latencies) >= 0.9 * len(sent), f"{len(latencies)} of {len(sent)} delivered"
        assert p99 < 1.0, f"live room p99 {p99 * 1000:.0f} ms while {ANSWERING + SILENT} idle viewers were pinged"
        assert cpu < 0.6 * wall, f"daemon used {cpu:.2f} s of CPU in {wall:.1f} s"
    finally:
        stop.set()
        for sock in answering + silent:
            sock.close()
        publisher.close()
        reader.close()

"""A room with viewers that stop reading: the readers' latency does not suffer, the daemon's
memory stays bounded, and each slow viewer, once it reads again, is told exactly what it missed."""

from __future__ import annotations

import json
import os
import selectors
import threading
import time

from chorustest import Daemon, Member, RawWebSocket, assert_coverage, metric_sum
from test_backpressure import NO_RATE_LIMITS, RssSampler

READERS = 40  # viewers whose every frame is parsed and timed
# Viewers that read everything but only count bytes (500 viewers in all); fewer under
# ThreadSanitizer, whose daemon could not deliver 100,000 messages/s to them.
DRAINERS = 60 if os.environ.get("CHORUS_SANITIZER") else 360
STALLED = int(os.environ.get("CHORUS_TEST_STALLED", "100"))
# Chat messages per second into the room; ThreadSanitizer's daemon is several times slower.
RATE = 200 if os.environ.get("CHORUS_SANITIZER") else 1000
# limits.viewerQueueBytes for this test: room for a Python reader's hiccups at RATE.
QUEUE = 128 * 1024
TEXT = "does this come in a bigger size? I usually wear a medium but it runs small " * 2


class Reader(threading.Thread):
    """A viewer that reads all the time and records each message's latency (ms from the daemon's
    receipt, `ts`, to here) during the current phase."""

    def __init__(self, member: Member):
        super().__init__(daemon=True)
        self.member = member
        self.latencies: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                frame = self.member.recv(timeout=0.2)
            except TimeoutError:
                continue
            now = time.time() * 1000
            for message in frame.get("messages", []):
                self.latencies.append(now - message["ts"])


class Drainer(threading.Thread):
    """Keeps many viewer sockets read (and so never slow) with one selector, counting bytes and
    the messages each was told it missed: parsing every batch of hundreds of viewers in Python
    would take more CPU than the daemon, so only frame headers and `missed` frames are read.
    On a busy host a drainer can fall behind too, and its drops are in the same metric."""

    MISSED = b'{"type":"missed"'

    def __init__(self, sockets: list[RawWebSocket]):
        super().__init__(daemon=True)
        self.selector = selectors.DefaultSelector()
        self.buffers: dict[object, bytearray] = {}
        for raw in sockets:
            raw.sock.setblocking(False)
            self.selector.register(raw.sock, selectors.EVENT_READ)
            self.buffers[raw.sock] = bytearray(raw.buffer)
        self.bytes = 0
        self.closed = 0
        self.missed = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            for key, _ in self.selector.select(timeout=0.1):
                try:
                    chunk = key.fileobj.recv(1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    self.selector.unregister(key.fileobj)
                    self.closed += 1
                self.bytes += len(chunk)
                buffer = self.buffers[key.fileobj]
                buffer += chunk
                self.consume(buffer)

    def consume(self, buffer: bytearray) -> None:
        """Drops every whole frame from `buffer`, counting what `missed` frames report."""
        offset = 0
        while len(buffer) - offset >= 2:
            length, header = buffer[offset + 1] & 0x7F, 2
            if length == 126:
                if len(buffer) - offset < 4:
                    break
                length, header = int.from_bytes(buffer[offset + 2:offset + 4], "big"), 4
            elif length == 127:
                if len(buffer) - offset < 10:
                    break
                length, header = int.from_bytes(buffer[offset + 2:offset + 10], "big"), 10
            end = offset + header + length
            if end > len(buffer):
                break
            start = offset + header
            if buffer[start:start + len(self.MISSED)] == self.MISSED:
                self.missed += json.loads(bytes(buffer[start:end]))["count"]
            offset = end
        del buffer[:offset]


def publish(publisher: Member, seconds: float) -> int:
    """Chat at RATE for `seconds`, paced in 10 ms slices; returns how many were sent."""
    sent = 0
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < seconds:
        due = int(elapsed * RATE) + 1
        while sent < due:
            publisher.send({"type": "chat", "text": TEXT})
            sent += 1
        time.sleep(0.01)
    return sent


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(len(ordered) * 0.99)] if ordered else float("nan")


def test_slow_viewers_do_not_hurt_readers_and_learn_exactly_what_they_missed(chorusd) -> None:
    # The latency comparison is timing on a shared 2-core VM that also runs these 500 Python
    # clients: one stall of the host during phase B (seen once in CI: p99 236 ms against 98 ms
    # alone; 77-146 ms in ten local rounds of this build and of the one before) fails it with no
    # slow viewer to blame. Another round on a fresh daemon then decides: slow viewers that
    # really hurt the readers fail every one. On a noisy day (2026-11-22) 3 of 10 rounds failed
    # for the current build and the one before alike (baselines 114-608 ms), and CI once failed
    # two in a row, so there are three. Every other check must hold in every round.
    # 501 connections from 127.0.0.1: past the default per-address limit of 500.
    config = {"limits": {"viewerQueueBytes": QUEUE, "maxConnectionsPerIP": 0, **NO_RATE_LIMITS},
              "transport": {"pingIntervalSeconds": 600, "writeTimeoutSeconds": 600}}
    rounds = []
    for _ in range(3):
        daemon: Daemon = chorusd(config)
        baseline_p99, slow_p99 = slow_viewers_round(daemon)
        daemon.stop()
        rounds.append(f"{slow_p99:.0f} ms vs {baseline_p99:.0f} ms alone")
        if os.environ.get("CHORUS_SANITIZER") or slow_p99 <= baseline_p99 * 1.5 + 50:
            return
    raise AssertionError("readers' p99 with slow viewers past 1.5 × alone + 50 ms in every round: "
                         + "; ".join(rounds))


def slow_viewers_round(daemon: Daemon) -> tuple[float, float]:
    """One run of the scenario; returns the readers' p99 latency alone and with slow viewers."""
    publisher = daemon.viewer("lobby", user="publisher")
    readers = [Reader(daemon.viewer("lobby", user=f"reader-{i}")) for i in range(READERS)]
    drained = [RawWebSocket(daemon.port, "/v1/viewer?room=lobby") for _ in range(DRAINERS)]
    for raw in drained:
        assert (raw.recv() or {}).get("type") == "welcome"
    drainer = Drainer(drained)
    stalled: list[RawWebSocket] = []
    try:
        drainer.start()
        for reader in readers:
            reader.start()

        # Phase A: readers only (the RSS sampler runs in both phases: it costs the readers too).
        sampler = RssSampler(daemon)
        sampler.start()
        publish(publisher, 20)
        time.sleep(0.5)
        sampler.stop()
        baseline_p99 = p99([value for reader in readers for value in reader.latencies])
        for reader in readers:
            reader.latencies = []

        # Phase B: the same load with STALLED viewers that never read (4 KiB socket buffers).
        for _ in range(STALLED):
            raw = RawWebSocket(daemon.port, "/v1/viewer?room=lobby", rcvbuf=4096)
            welcome = raw.recv()
            assert welcome and welcome["type"] == "welcome"
            stalled.append((raw, welcome["seq"]))
        rss_before = daemon.rss_kb()
        sampler = RssSampler(daemon)
        sampler.start()
        sent = publish(publisher, 20)
        publisher.send({"type": "like", "cid": "sentinel"})
        publisher.recv_until(lambda f: any(m.get("cid") == "sentinel" for m in f.get("messages", [])), timeout=10)
        last = publisher.high["lobby"]
        peak = sampler.stop()
        time.sleep(0.3)
        slow_p99 = p99([value for reader in readers for value in reader.latencies])
        for reader in readers:
            reader.stopped.set()

        assert drainer.closed == 0, f"{drainer.closed} reading viewers were closed"

        # Readers got everything, in order.
        for reader in readers:
            reader.join()
            assert_coverage(reader.member.frames, "lobby", reader.member.welcome["seq"] + 1, last)

        # Memory: each slow viewer holds at most its queue budget, plus one frame inside lws.
        growth_mb = (peak - rss_before) / 1024
        bound_mb = STALLED * (QUEUE + 32 * 1024) / 2**20 + 8
        if not os.environ.get("CHORUS_SANITIZER"):
            assert growth_mb < bound_mb, f"RSS grew {growth_mb:.1f} MB with {STALLED} slow viewers (bound {bound_mb:.1f})"

        # Readers' latency does not suffer from the slow viewers.
        print(f"SLOWVIEWERS sent {sent} in phase B ({sent / 20 * (READERS + DRAINERS):.0f} deliveries/s to "
              f"readers, {drainer.bytes / 40 / DRAINERS / 1e3:.0f} kB/s each); "
              f"reader p99 {baseline_p99:.0f} ms alone, {slow_p99:.0f} ms with {STALLED} slow viewers; "
              f"RSS {rss_before} -> {peak} kB, {(peak - rss_before) / STALLED:.1f} kB per slow viewer "
              f"(bound +{bound_mb:.1f} MB)")

        # Each slow viewer now reads: batches and missed frames cover its range exactly.
        dropped_total = 0
        for raw, seq in stalled:
            frames = []
            while not frames or frames[-1].get("to", 0) < last:
                frame = raw.recv(timeout=10)
                assert frame is not None, f"slow viewer closed with {raw.close_code}"
                frames.append(frame)
            assert_coverage(frames, "lobby", seq + 1, last, allow_missed=True)
            delivered = sum(len(f["messages"]) for f in frames if f["type"] == "batch")
            # A batch holding the sentinel like may have been shed: its chat counted in `dropped`.
            shed = sum(f.get("dropped", 0) + f.get("likes", 0) for f in frames if f["type"] == "batch")
            missed = sum(f["count"] for f in frames if f["type"] == "missed")
            if not os.environ.get("CHORUS_SANITIZER"):  # at 200 msg/s the kernel's buffers hold it all
                assert missed > 0, "a viewer that read nothing for 20 s missed nothing"
            assert delivered + shed + missed == last - seq
            dropped_total += missed
        # The metric counts every viewer's drops: the stalled ones' and, on a busy host, the
        # drainers' (readers missed nothing: their coverage above allows no `missed`). Each
        # message dropped for any viewer was reported to that viewer, exactly.
        time.sleep(0.5)  # the drainers read what is left (nothing new is published)
        drainer.stopped.set()
        drainer.join()
        assert drainer.closed == 0, f"{drainer.closed} reading viewers were closed"
        reported = dropped_total + drainer.missed
        assert metric_sum(daemon.metrics(), "chorus_dropped_messages_total", reason="queue_full") == reported, \
            f"{dropped_total} missed by stalled viewers, {drainer.missed} by drainers"
        return baseline_p99, slow_p99
    finally:
        drainer.stopped.set()
        for raw in drained:
            raw.close()
        for raw, _ in stalled:
            raw.close()
        for reader in readers:
            reader.stopped.set()
            reader.member.close()
        publisher.close()


def test_a_viewer_that_cannot_be_written_to_is_dropped_after_the_write_timeout(chorusd) -> None:
    # 40-message batches (~12 KB) fit the 16 KiB queue, so they are queued, not refused outright.
    daemon: Daemon = chorusd({"limits": {"viewerQueueBytes": 16384, **NO_RATE_LIMITS},
                              "transport": {"writeTimeoutSeconds": 2}, "batch": {"maxMessages": 40}})
    publisher = daemon.viewer("lobby", user="publisher", feed="none")  # only acks come back
    stuck = RawWebSocket(daemon.port, "/v1/viewer?room=lobby", rcvbuf=4096)
    reader = daemon.viewer("lobby", user="reader")  # reads all along: never timed out
    try:
        assert (stuck.recv() or {}).get("type") == "welcome"
        # ~1 MB/s: the kernel's socket buffers (a few MB) fill within seconds, then nothing more
        # can be written to the stuck viewer and the 2 s timeout runs. Each round waits for the
        # daemon to take it (an acked like at its end), which paces the flood: under
        # ThreadSanitizer the daemon tags fewer than 3,000 lines a second, and a flood paced by
        # the clock queued tens of thousands of messages ahead of the check below on a slow host.
        began = time.monotonic()
        killed_after = None
        rounds = 0
        while time.monotonic() - began < 60:
            for _ in range(150):
                publisher.send({"type": "chat", "text": TEXT})
            rounds += 1
            publisher.send({"type": "like", "cid": f"round-{rounds}", "ack": True})
            publisher.recv_until(lambda f, n=rounds: f.get("type") == "ack" and f.get("cid") == f"round-{n}",
                                 timeout=30, what=f"ack of round {rounds}")
            if metric_sum(daemon.metrics(), "chorus_write_timeouts_total") >= 1:
                killed_after = time.monotonic() - began
                break
        assert killed_after is not None, "a viewer that read nothing for 60 s was never dropped"
        print(f"WRITETIMEOUT stuck viewer dropped {killed_after:.1f} s after the flood began")
        # The viewer that reads, and the publisher, are still there.
        publisher.send({"type": "like", "cid": "after"})
        reader.recv_until(lambda f: any(m.get("cid") == "after" for m in f.get("messages", [])), timeout=30)
        assert metric_sum(daemon.metrics(), "chorus_write_timeouts_total") == 1
    finally:
        stuck.close()
        reader.close()
        publisher.close()

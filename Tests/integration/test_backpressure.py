"""Slow clients: a viewer that stops reading loses messages (and is told exactly which), never
slows the room down and never grows the daemon's memory; a console that stops reading is closed."""

from __future__ import annotations

import os
import threading
import time

from chorustest import Daemon, RawWebSocket, assert_coverage, make_token, metric_sum

# Heavy to fan out: ~330 bytes per broadcast message, 40 per batch = ~13 KB batches. Chat, so
# that a viewer that falls behind may lose it (gifts and purchases are never dropped).
HEAVY = {"type": "chat", "text": "g" * 100, "cid": "c" * 64}
PER_BATCH = 40
# Under ThreadSanitizer these tests outlast the default 60 s after which a client that reads
# nothing is hung up (it answers no ping; nothing can be written to it). Each round of PER_BATCH
# messages must be one batch, so a round's first message must not leave alone (leading edge).
CONFIG = {"batch": {"maxMessages": PER_BATCH, "maxDelayMs": 20, "leadingEdge": False},
          "transport": {"pingIntervalSeconds": 600, "writeTimeoutSeconds": 600}}
# These tests publish thousands of interactions from one connection.
NO_RATE_LIMITS = {"chatPerWindow": 0, "likesPerSecond": 0, "commercePerSecond": 0, "giftsPerSecond": 0}


def publish_in_lockstep(publisher, reader, start: int, rounds: int) -> None:
    """One batch per round: the daemon may read a whole burst before it writes anything, and a
    16 KiB queue holds one batch, so the reader (a viewer that keeps up) paces the publisher."""
    for r in range(1, rounds + 1):
        for _ in range(PER_BATCH):
            publisher.send(HEAVY)
        reader.read_through("lobby", start + r * PER_BATCH, timeout=10)


class RssSampler(threading.Thread):
    def __init__(self, daemon: Daemon):
        super().__init__(daemon=True)
        self.daemon_ = daemon
        self.peak = daemon.rss_kb()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.02):
            self.peak = max(self.peak, self.daemon_.rss_kb())

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return max(self.peak, self.daemon_.rss_kb())


def test_slow_viewer_gets_missed_frames_and_memory_stays_bounded(chorusd) -> None:
    # ~13 KB batches fit the 16 KiB queue: a viewer that keeps reading never overflows.
    # A small history: its bounded size (≈ 600 B a message here) is not what this test measures.
    daemon = chorusd({**CONFIG, "limits": {"viewerQueueBytes": 16384, **NO_RATE_LIMITS},
                      "rooms": {"historyMessages": 512}})
    publisher = daemon.viewer("lobby", locale="zh-Hans-CN", region="CN", user="u" * 64)
    good = daemon.viewer("lobby")
    slow = RawWebSocket(daemon.port, "/v1/viewer?room=lobby", rcvbuf=4096)
    try:
        slow_welcome = slow.recv()
        assert slow_welcome and slow_welcome["type"] == "welcome"
        start = good.welcome["seq"]
        assert slow_welcome["seq"] == start

        baseline = daemon.rss_kb()
        sampler = RssSampler(daemon)
        sampler.start()
        rounds = 1800  # ~24 MB to every member
        total = rounds * PER_BATCH
        began = time.monotonic()
        publish_in_lockstep(publisher, good, start, rounds)
        elapsed = time.monotonic() - began
        peak = sampler.stop()

        assert_coverage(good.frames, "lobby", start + 1, start + total)
        growth_mb = (peak - baseline) / 1024
        traffic_mb = sum(len(r) for r in good.raw) / 1e6
        # ThreadSanitizer's shadow memory grows with every byte touched: no RSS bound under it.
        if not os.environ.get("CHORUS_SANITIZER"):
            assert growth_mb < traffic_mb / 4, \
                f"RSS grew {growth_mb:.1f} MB (baseline {baseline} kB, peak {peak} kB) for {traffic_mb:.0f} MB of traffic"

        # The slow viewer now reads: whatever was queued, then `missed`, then the next batch.
        drained = []
        while True:
            try:
                frame = slow.recv(timeout=1.0)
            except TimeoutError:
                break
            assert frame is not None, f"slow viewer closed with {slow.close_code}"
            drained.append(frame)
        publisher.send({"type": "like", "cid": "sentinel"})
        last = start + total + 1
        while not drained or drained[-1].get("to", 0) < last:
            frame = slow.recv(timeout=5)
            assert frame is not None, f"slow viewer closed with {slow.close_code}"
            drained.append(frame)
        missed = [f for f in drained if f["type"] == "missed"]
        assert missed, "a viewer that read nothing for 32 MB was never told it missed messages"
        assert_coverage(drained, "lobby", start + 1, last, allow_missed=True)
        assert drained[-1]["type"] == "batch" and drained[-1]["messages"][-1]["cid"] == "sentinel"
        assert sum(f["count"] for f in missed) > total / 2

        good.read_through("lobby", last)
        assert_coverage(good.frames, "lobby", start + 1, last)
        print(f"published {total} messages in {elapsed:.1f}s; rss {baseline}->{peak} kB; "
              f"slow viewer: {len(drained)} frames, {len(missed)} missed")
    finally:
        slow.close()
        good.close()
        publisher.close()


def test_slow_console_closed_4001(chorusd) -> None:
    daemon = chorusd({**CONFIG, "limits": {"consoleQueueBytes": 16384, **NO_RATE_LIMITS}})
    publisher = daemon.viewer("lobby", locale="zh-Hans-CN", region="CN", user="u" * 64)
    slow = RawWebSocket(daemon.port, f"/v1/console?rooms=lobby&token={make_token(['lobby'])}", rcvbuf=4096)
    try:
        welcome = slow.recv()
        assert welcome and welcome["type"] == "welcome"
        start = publisher.welcome["seq"]
        rounds = 600  # ~8 MB, well past the kernel's socket buffers
        total = rounds * PER_BATCH
        publish_in_lockstep(publisher, publisher, start, rounds)
        assert_coverage(publisher.frames, "lobby", start + 1, start + total)

        frames = received = 0
        deadline = time.monotonic() + 15
        while True:
            try:
                frame = slow.recv(timeout=max(0.1, deadline - time.monotonic()))
            except EOFError as error:
                raise AssertionError(f"slow console lost its TCP connection without close 4001 after {frames} frames") from error
            if frame is None:
                break
            frames += 1
            received += len(frame.get("messages", []))
        assert slow.close_code == 4001, f"slow console closed with {slow.close_code} after {frames} frames"
        assert received < total, "the console received everything, so it was never too slow"

        # The room carries on.
        publisher.send({"type": "like", "cid": "after"})
        publisher.read_through("lobby", start + total + 1)
    finally:
        slow.close()
        publisher.close()


def publish_chat_with_purchases(publisher, start: int, rounds: int) -> set[str]:
    """Rounds of one batch each: 38 chat lines of ~250 bytes (10 KB batches fit a reader's
    16 KiB budget one at a time), one purchase and one like (count 3)."""
    chat = {"type": "chat", "text": "quanto custa o frete para Recife? " * 4}
    purchases = set()
    for r in range(rounds):
        for i in range(PER_BATCH):
            if i == 7:
                cid = f"buy-{r}"
                purchases.add(cid)
                publisher.send({"type": "purchase", "sku": "sku-9", "qty": 1, "cid": cid})
            elif i == 8:
                publisher.send({"type": "like", "count": 3})
            else:
                publisher.send(chat)
        publisher.read_through("lobby", start + (r + 1) * PER_BATCH, timeout=10)
    return purchases


def test_purchases_survive_chat_overload_of_a_slow_viewer(chorusd) -> None:
    # 400 purchases in shed batches take ~130 KB: within 16 KiB + the commerce allowance.
    daemon = chorusd({**CONFIG, "limits": {"viewerQueueBytes": 16384, "viewerCommerceBytes": 262144, **NO_RATE_LIMITS}})
    publisher = daemon.viewer("lobby", user="p" * 64)
    slow = RawWebSocket(daemon.port, "/v1/viewer?room=lobby", rcvbuf=4096)
    try:
        assert (slow.recv() or {}).get("type") == "welcome"
        start = publisher.welcome["seq"]
        rounds = 400  # ~4 MB of chat to a viewer that reads nothing
        purchases = publish_chat_with_purchases(publisher, start, rounds)
        publisher.send({"type": "purchase", "sku": "sku-9", "qty": 1, "cid": "sentinel"})
        last = start + rounds * PER_BATCH + 1

        frames = []
        while not frames or frames[-1].get("type") != "batch" or frames[-1]["to"] < last:
            frame = slow.recv(timeout=10)
            assert frame is not None, f"slow viewer closed with {slow.close_code}"
            frames.append(frame)
        assert_coverage(frames, "lobby", start + 1, last, allow_missed=True)
        kept = {m["cid"] for f in frames if f["type"] == "batch" for m in f["messages"] if m["type"] == "purchase"}
        assert purchases | {"sentinel"} <= kept, f"{len(purchases - kept)} purchases lost"
        shed = [f for f in frames if f["type"] == "batch" and "dropped" in f]
        assert shed, "the viewer never fell behind far enough to shed chat"
        assert all(f["likes"] == 1 and f["likeCount"] == 3 for f in shed if f["to"] - f["from"] + 1 == PER_BATCH)
        metrics = daemon.metrics()
        missed = sum(f["count"] for f in frames if f["type"] == "missed")
        # The publisher reads every batch, so it never sheds: the count is the slow viewer's.
        assert not [f for f in publisher.frames if "dropped" in f or f.get("type") == "missed"]
        assert metric_sum(metrics, "chorus_dropped_messages_total", reason="shed") == sum(f["dropped"] for f in shed)
        assert metric_sum(metrics, "chorus_dropped_messages_total", reason="queue_full") == \
            sum(f["count"] for f in frames if f["type"] == "missed")
    finally:
        slow.close()
        publisher.close()


def test_viewer_past_its_commerce_allowance_is_closed_not_silently_trimmed(chorusd) -> None:
    daemon = chorusd({**CONFIG, "limits": {"viewerQueueBytes": 16384, "viewerCommerceBytes": 8192, **NO_RATE_LIMITS}})
    publisher = daemon.viewer("lobby", user="p" * 64)
    slow = RawWebSocket(daemon.port, "/v1/viewer?room=lobby", rcvbuf=4096)
    try:
        assert (slow.recv() or {}).get("type") == "welcome"
        start = publisher.welcome["seq"]
        purchases = publish_chat_with_purchases(publisher, start, 400)
        frames = read_until_closed(slow, time.monotonic() + 15)
        assert slow.close_code == 4001, f"closed with {slow.close_code}"
        # Up to the close, nothing with a purchase was lost: every purchase it got is in order,
        # and the missed ranges hold none of the kept purchase seqs.
        kept = [m["cid"] for f in frames if f["type"] == "batch" for m in f["messages"] if m["type"] == "purchase"]
        assert kept == [f"buy-{r}" for r in range(len(kept))], "a purchase was skipped before the close"
        assert all(m["type"] == "purchase" for f in frames if "dropped" in f for m in f["messages"])
        assert len(kept) < len(purchases)
        assert metric_sum(daemon.metrics(), "chorus_slow_viewers_closed_total") == 1
    finally:
        slow.close()
        publisher.close()


def read_until_closed(raw: RawWebSocket, deadline: float) -> list:
    frames = []
    while True:
        frame = raw.recv(timeout=max(0.1, deadline - time.monotonic()))
        if frame is None:
            return frames
        frames.append(frame)


def test_reading_pauses_while_deliveries_are_behind_and_nothing_is_lost(chorusd) -> None:
    # A watermark of one waiting batch: a read in the same pass of the event loop as a flush of
    # several rooms, before the thread delivers them, pauses its sender. Whether a given burst
    # hits that window depends on the order the loop serves the sockets, so bursts go on (every
    # one checked for loss) until one has paused a reader: a gate that never pauses still fails.
    rooms = [f"r{n}" for n in range(1, 9)]
    daemon = chorusd({"transport": {"ingressHighWatermark": 1}, "limits": NO_RATE_LIMITS,
                      "batch": {"maxDelayMs": 5}, "rooms": {"static": rooms}})
    publishers = [daemon.viewer(room, user=f"p-{room}") for room in rooms]
    per_burst = 300
    try:
        pauses = 0.0
        for burst in range(20):
            for index in range(per_burst):
                for publisher in publishers:
                    publisher.send({"type": "chat", "text": f"message {burst}.{index}"})
            last = (burst + 1) * per_burst
            for publisher, room in zip(publishers, rooms):
                publisher.read_through(room, last, timeout=20)
                assert_coverage(publisher.frames, room, 1, last)
            pauses = metric_sum(daemon.metrics(), "chorus_ingress_pauses_total")
            if pauses > 0:
                break
        print(f"ingress pauses {pauses:.0f} after {burst + 1} bursts of {per_burst} per room")
        assert pauses > 0, "reading never paused"
        deadline = time.monotonic() + 10
        while metric_sum(daemon.metrics(), "chorus_paused_readers") > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert metric_sum(daemon.metrics(), "chorus_paused_readers") == 0, "paused readers were not resumed"
    finally:
        for publisher in publishers:
            publisher.close()

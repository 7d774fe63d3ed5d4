"""Durable, exact counting: acknowledged interactions are stored before their ack, survive a
restart and `kill -9`, and the stored totals equal what was acknowledged."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from chorustest import Daemon, Member, metric_sum
from test_backpressure import NO_RATE_LIMITS

CONFIG = {"limits": NO_RATE_LIMITS}
REGIONS = ["BR", "US", "ES", "FR"]
FRAMES = [
    {"type": "chat", "text": "quanto custa o frete?"},
    {"type": "like", "count": 2},
    {"type": "gift", "gift": "rose", "amount": 5},
    {"type": "cart", "sku": "sku-1"},
    {"type": "purchase", "sku": "sku-1", "qty": 1},
    {"type": "coupon", "code": "LIVE10"},
]


def room_stats(daemon: Daemon, room: str = "lobby") -> dict:
    status, _, body = daemon.http("GET", f"/v1/rooms/{room}/stats")
    assert status == 200, body
    return json.loads(body)["interactions"]


def collect_acks(member: Member, wanted: int, timeout: float) -> set[str]:
    """The cids acknowledged on `member` until `wanted` arrived, the connection closed, or time ran out."""
    acked = {f["cid"] for f in member.frames if f.get("type") == "ack"}
    deadline = time.monotonic() + timeout
    while len(acked) < wanted and time.monotonic() < deadline:
        try:
            frame = member.recv(timeout=max(0.01, deadline - time.monotonic()))
        except (TimeoutError, ConnectionClosed, EOFError):
            break
        if frame.get("type") == "ack":
            acked.add(frame["cid"])
    return acked


def test_acknowledged_counts_are_exact_and_survive_a_restart(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        members = [daemon.viewer("lobby", region=region, user=f"u-{region}") for region in REGIONS]
        sent: Counter[tuple[str, str]] = Counter()
        for index in range(150):
            for member, region in zip(members, REGIONS):
                frame = FRAMES[index % len(FRAMES)]
                member.send({**frame, "ack": True, "cid": f"{region}-{index}"})
                sent[(frame["type"], region)] += 1
        for member in members:
            assert len(collect_acks(member, 150, timeout=20)) == 150
            member.close()
        before = room_stats(daemon)
        assert daemon.stop(timeout=10) == 0

        daemon.start()
        after = room_stats(daemon)
        assert after == before, "the counts changed across a restart"
        assert after["total"] == 600
        for kind in {k for k, _ in sent}:
            assert after["byType"][kind] == sum(n for (k, _), n in sent.items() if k == kind)
        for region in REGIONS:
            assert after["byRegion"][region] == 150
        assert sum(after["byLanguage"].values()) == 600
        assert metric_sum(daemon.metrics(), "chorus_interactions_total") == 600
        assert "counts recovered" in daemon.stderr_text()
    finally:
        daemon.stop()


def test_every_acknowledged_interaction_survives_repeated_kill_9(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG)
    acked_total = sent_total = 0
    cycles = 20
    for cycle in range(cycles):
        daemon.start()
        members = [daemon.viewer("lobby", user=f"c{cycle}-{i}") for i in range(2)]
        began = time.monotonic()
        sent = 0
        while time.monotonic() - began < 0.4:
            for i, member in enumerate(members):
                member.send({"type": "like", "ack": True, "cid": f"{cycle}-{i}-{sent}"})
            sent += 1
        daemon.signal(signal.SIGKILL)
        daemon.wait_exit(5)
        for member in members:
            acked_total += len(collect_acks(member, sent, timeout=1))
            member.close()
        sent_total += 2 * sent
        daemon.stop()
    daemon.start()
    try:
        stored = room_stats(daemon)["total"]
        print(f"{cycles} kill -9 cycles: {sent_total} sent, {acked_total} acknowledged, {stored} stored "
              f"({stored - acked_total} stored without an ack reaching the client)")
        assert acked_total > 0
        assert stored >= acked_total, f"{acked_total - stored} acknowledged interactions were lost"
        assert stored <= sent_total
    finally:
        daemon.stop()

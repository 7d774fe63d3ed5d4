"""Idempotency keys: a retry of an accepted interaction (same key, same room, inside the window)
is acknowledged with the first attempt's seq and counted once, across reconnects, restarts and
`kill -9`."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from chorustest import Daemon, Member, make_token, metric_sum, wait_metric
from test_backpressure import NO_RATE_LIMITS
from test_counts import collect_acks, room_stats

CONFIG = {"limits": NO_RATE_LIMITS, "rooms": {"static": ["lobby", "other"]}}


def ack_for(member: Member, cid: str, timeout: float = 10.0) -> dict:
    return member.recv_until(lambda f: f.get("type") == "ack" and f.get("cid") == cid, timeout=timeout)


def test_a_retry_after_reconnecting_is_acked_with_the_first_seq_and_not_counted(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        console = daemon.console(["lobby"], token=make_token("lobby"))
        with daemon.viewer("lobby", user="ana") as viewer:
            viewer.send({"type": "purchase", "sku": "A-1", "ack": True, "cid": "p1", "idempotencyKey": "order-77"})
            first = ack_for(viewer, "p1")
            assert "duplicate" not in first
        with daemon.viewer("lobby", user="ana") as viewer:
            viewer.send({"type": "purchase", "sku": "A-1", "ack": True, "cid": "p1-retry",
                         "idempotencyKey": "order-77"})
            retry = ack_for(viewer, "p1-retry")
            assert retry["seq"] == first["seq"] and retry["duplicate"] is True
            # Without an ack request a retry is still recognised, just not answered.
            viewer.send({"type": "purchase", "sku": "A-1", "idempotencyKey": "order-77"})
            # The same key in another room is another interaction.
            with daemon.viewer("other", user="ana") as elsewhere:
                elsewhere.send({"type": "purchase", "sku": "A-1", "ack": True, "cid": "o1",
                                "idempotencyKey": "order-77"})
                assert "duplicate" not in ack_for(elsewhere, "o1")
            viewer.send({"type": "like", "ack": True, "cid": "marker"})
            marker = ack_for(viewer, "marker")
            assert marker["seq"] == first["seq"] + 1, "a retry must not take a sequence number"
        console.read_through("lobby", marker["seq"])
        purchases = [m for m in console.messages("lobby") if m["type"] == "purchase"]
        assert len(purchases) == 1, "a retry must not be broadcast again"
        stats = room_stats(daemon, "lobby")
        assert stats["total"] == 2 and stats["byType"]["purchase"] == 1
        assert room_stats(daemon, "other")["byType"]["purchase"] == 1
        wait_metric(daemon, "chorus_duplicate_interactions_total", 2, type="purchase")
        assert metric_sum(daemon.metrics(), "chorus_idempotency_keys") == 2
        console.close()
    finally:
        daemon.stop()


def test_a_key_too_long_is_refused_with_an_error_frame(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        with daemon.viewer("lobby") as viewer:
            viewer.send({"type": "like", "ack": True, "cid": "x", "idempotencyKey": "k" * 65})
            error = viewer.recv_type("error")
            assert error["code"] == "invalid_field" and "idempotencyKey" in error["message"]
        assert room_stats(daemon)["total"] == 0
    finally:
        daemon.stop()


def test_keys_expire_after_the_window(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", {**CONFIG, "storage": {"idempotencyWindowSeconds": 1}}).start()
    try:
        with daemon.viewer("lobby") as viewer:
            viewer.send({"type": "gift", "gift": "rose", "ack": True, "cid": "g1", "idempotencyKey": "gift-1"})
            first = ack_for(viewer, "g1")
            time.sleep(1.2)  # the behaviour under test is the passing of the window
            viewer.send({"type": "gift", "gift": "rose", "ack": True, "cid": "g2", "idempotencyKey": "gift-1"})
            second = ack_for(viewer, "g2")
            assert "duplicate" not in second and second["seq"] == first["seq"] + 1
        assert room_stats(daemon)["byType"]["gift"] == 2
    finally:
        daemon.stop()


def test_keys_survive_a_graceful_restart(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        with daemon.viewer("lobby") as viewer:
            viewer.send({"type": "cart", "sku": "S", "ack": True, "cid": "c1", "idempotencyKey": "cart-1"})
            first = ack_for(viewer, "c1")
        assert daemon.stop(timeout=10) == 0
        daemon.start()
        assert "idempotency_keys=1" in daemon.stderr_text()
        with daemon.viewer("lobby") as viewer:
            viewer.send({"type": "cart", "sku": "S", "ack": True, "cid": "c2", "idempotencyKey": "cart-1"})
            retry = ack_for(viewer, "c2")
            assert retry == {"type": "ack", "room": "lobby", "seq": first["seq"], "cid": "c2", "duplicate": True}
        assert room_stats(daemon)["total"] == 1
    finally:
        daemon.stop()


def acked_keys(members) -> set[str]:
    """Keys of the interactions these connections got a first (not duplicate) ack for."""
    return {
        f["cid"] for m in members for f in m.frames if f.get("type") == "ack" and not f.get("duplicate")
    }


def sort_key(key: str) -> tuple:
    """`k{cycle}-{member}-{n}` in sending order (by n), so 'last' means the newest."""
    _, member, n = key.split("-")
    return (int(n), int(member))


def test_retrying_every_unacknowledged_interaction_after_kill_9_counts_each_exactly_once(tmp_path: Path) -> None:
    """Clients that resend what was never acknowledged, with its key, end with the stored totals
    equal to what they meant to send: no loss and no duplicate, whatever `kill -9` interrupted."""
    daemon = Daemon(tmp_path / "d", CONFIG)
    pending: dict[str, dict] = {}  # key → frame, sent and not yet acknowledged
    intended = 0
    recognised = 0
    forgotten = 0  # acks received but treated as lost
    for cycle in range(6):
        daemon.start()
        members = [daemon.viewer("lobby", user=f"r{cycle}-{i}") for i in range(2)]
        # First the retries, spread over both connections, then new interactions until the kill.
        for n, (key, frame) in enumerate(sorted(pending.items())):
            members[n % 2].send({**frame, "cid": key})
        began = time.monotonic()
        n = 0
        while time.monotonic() - began < 0.4:
            for i, member in enumerate(members):
                key = f"k{cycle}-{i}-{n}"
                frame = {"type": "like", "ack": True, "idempotencyKey": key}
                pending[key] = frame
                intended += 1
                member.send({**frame, "cid": key})
            n += 1
        daemon.signal(signal.SIGKILL)
        daemon.wait_exit(5)
        for member in members:
            collect_acks(member, len(pending) + 1, timeout=0.5)  # until the connection ends
            for frame in member.frames:
                if frame.get("type") == "ack":
                    pending.pop(frame["cid"], None)
                    recognised += 1 if frame.get("duplicate") else 0
            member.close()
        # Whether a kill lands between a commit and its acks' delivery is luck; to exercise
        # that case every cycle, treat the last three acks of this cycle as lost in transit:
        # their interactions are stored, so their retries must be recognised, not counted.
        lost = [key for key in sorted(acked_keys(members), key=sort_key)[-3:]]
        for key in lost:
            pending[key] = {"type": "like", "ack": True, "idempotencyKey": key}
        forgotten += len(lost)
        daemon.stop()
    daemon.start()
    try:
        with daemon.viewer("lobby", user="final") as member:
            for key, frame in sorted(pending.items()):
                member.send({**frame, "cid": key})
            acked = collect_acks(member, len(pending), timeout=20)
            assert acked == set(pending), "every retry is acknowledged once the daemon stays up"
            recognised += sum(1 for f in member.frames if f.get("type") == "ack" and f.get("duplicate"))
        stored = room_stats(daemon)["total"]
        print(f"6 kill -9 cycles with retries: {intended} interactions, {stored} stored, "
              f"{recognised} retries recognised as already counted")
        assert stored == intended, f"stored {stored}, meant {intended}"
        assert recognised >= forgotten > 0, "retries of interactions already stored must be recognised"
    finally:
        daemon.stop()


def test_the_window_and_capacity_are_validated(tmp_path: Path) -> None:
    for setting in ({"idempotencyWindowSeconds": 0}, {"idempotencyKeys": 0}):
        daemon = Daemon(tmp_path / json.dumps(setting).strip("{}").replace('"', "").replace(":", "-"),
                        {**CONFIG, "storage": setting})
        daemon.start(wait=False)
        assert daemon.wait_exit(10) != 0
        assert "storage." in daemon.stderr_text()

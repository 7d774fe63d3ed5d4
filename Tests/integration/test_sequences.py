"""A room's sequence numbers never repeat: not after a graceful restart, not after `kill -9`,
not when a room closed while idle opens again. A client resuming with the last number it saw
from an earlier run is told of the break as one gap, never handed the new run's messages as if
they followed its own."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import json

from chorustest import Daemon, Member, assert_coverage, make_token, metric_sum
from test_backpressure import NO_RATE_LIMITS

TOKEN = make_token(["lobby"])
CONFIG = {"rooms": {"static": ["lobby"]}, "batch": {"maxDelayMs": 20}, "limits": NO_RATE_LIMITS}


def publish(daemon: Daemon, count: int) -> tuple[int, int]:
    """Sends `count` chats into the lobby and reads them back; returns (first, last) seq."""
    with daemon.viewer("lobby") as member:
        start = member.welcome["seq"]
        for index in range(count):
            member.send({"type": "chat", "text": f"message {index}"})
        member.read_through("lobby", start + count)
        assert_coverage(member.frames, "lobby", start + 1, start + count)
        return start + 1, start + count


def stop(daemon: Daemon, how: str) -> None:
    if how == "kill":
        daemon.signal(signal.SIGKILL)
        daemon.wait_exit(timeout=5)
        daemon.stop()
    else:
        assert daemon.stop(timeout=10) == 0


def check_restart(tmp_path: Path, how: str) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        first, last = publish(daemon, 30)
        assert first == 1, "a new state directory starts the room at 1"
        stop(daemon, how)

        daemon.start()
        with daemon.viewer("lobby") as viewer:
            restarted_at = viewer.welcome["seq"]
            assert restarted_at >= last, f"numbers went back from {last} to {restarted_at} after a restart"
        again_first, again_last = publish(daemon, 10)
        assert again_first == restarted_at + 1

        # A console that saw the first run through `last` learns, as one gap, that whatever
        # came after it in that run is gone, then gets this run's messages in order.
        with Member.open(daemon.ws_url(f"/v1/console?rooms=lobby&token={TOKEN}&since={last}")) as console:
            console.read_through("lobby", again_last)
            gaps = [f for f in console.frames if f.get("type") == "gap"]
            if restarted_at > last:
                assert len(gaps) == 1, console.frames[:3]
                assert (gaps[0]["from"], gaps[0]["to"]) == (last + 1, restarted_at)
            else:
                assert not gaps
            assert_coverage(console.batches("lobby"), "lobby", again_first, again_last)
        assert metric_sum(daemon.metrics(), "chorus_sequence_hold_overrides_total") == 0
    finally:
        daemon.stop()


def test_numbers_go_on_after_a_graceful_restart(tmp_path: Path) -> None:
    check_restart(tmp_path, "term")


def test_numbers_never_repeat_after_kill_9(tmp_path: Path) -> None:
    check_restart(tmp_path, "kill")


def test_a_room_closed_while_idle_goes_on_from_its_last_number(chorusd) -> None:
    daemon = chorusd({"rooms": {"autoCreate": True, "idleSeconds": 1}, "batch": {"maxDelayMs": 20}})
    open_before = metric_sum(daemon.metrics(), "chorus_rooms")
    with daemon.viewer("show") as member:
        start = member.welcome["seq"]
        for index in range(5):
            member.send({"type": "chat", "text": f"before {index}"})
        member.read_through("show", start + 5)
    # The room closes once it has been empty for idleSeconds (the hub's tick checks).
    deadline = time.monotonic() + 10
    while metric_sum(daemon.metrics(), "chorus_rooms") > open_before:
        assert time.monotonic() < deadline, "the idle room did not close"
        time.sleep(0.1)
    status, _, body = daemon.http("GET", "/v1/rooms/show/stats")
    assert status == 200 and json.loads(body)["seq"] == start + 5, body
    with daemon.viewer("show") as member:
        assert member.welcome["seq"] == start + 5
        member.send({"type": "chat", "text": "after"})
        member.read_through("show", start + 6)
        assert member.messages("show")[-1]["seq"] == start + 6

"""Resume with `since`: a console closed for being too slow (or any client that lost its
connection) reconnects with the last sequence number it saw and gets exactly what it missed
from the room's history, then live traffic; what history no longer holds comes as one exact
`gap` frame, never silence."""

from __future__ import annotations

import time
from chorustest import (Daemon, Member, RawWebSocket, assert_coverage, expect_close_on_open, make_token,
                        metric_sum)
from test_backpressure import CONFIG, NO_RATE_LIMITS, PER_BATCH, publish_in_lockstep, read_until_closed

TOKEN = make_token(["lobby", "other"])


def console_since(daemon: Daemon, since: str, rooms: str = "lobby") -> Member:
    return Member.open(daemon.ws_url(f"/v1/console?rooms={rooms}&token={TOKEN}&since={since}"))


def test_console_closed_for_slowness_resumes_and_sees_every_seq_once(chorusd) -> None:
    daemon = chorusd({**CONFIG, "limits": {"consoleQueueBytes": 16384, **NO_RATE_LIMITS},
                      "rooms": {"historyMessages": 100_000, "historySeconds": 600}})
    publisher = daemon.viewer("lobby", locale="zh-Hans-CN", region="CN", user="u" * 64)
    slow = RawWebSocket(daemon.port, f"/v1/console?rooms=lobby&token={TOKEN}", rcvbuf=4096)
    try:
        welcome = slow.recv()
        assert welcome and welcome["type"] == "welcome"
        start = publisher.welcome["seq"]
        rounds = 600  # ~8 MB: far past the console's 16 KiB budget and the socket buffers
        total = rounds * PER_BATCH
        publish_in_lockstep(publisher, publisher, start, rounds)

        before = read_until_closed(slow, time.monotonic() + 15)
        assert slow.close_code == 4001, f"slow console closed with {slow.close_code}"
        batches = [f for f in before if f.get("type") == "batch"]
        seen_up_to = batches[-1]["to"] if batches else start
        assert seen_up_to < start + total, "the console received everything, so it was never too slow"
        assert_coverage(before, "lobby", start + 1, seen_up_to)

        # Reconnect where it left off: history, then live, with no duplicate and no gap.
        with console_since(daemon, str(seen_up_to)) as resumed:
            assert resumed.welcome["rooms"] == [{"room": "lobby", "seq": seen_up_to}]
            publisher.send({"type": "purchase", "sku": "sku-1", "qty": 1, "cid": "after-resume"})
            last = start + total + 1
            resumed.read_through("lobby", last, timeout=20)
            assert not [f for f in resumed.frames if f.get("type") in ("gap", "missed", "error")]
            assert_coverage(before + resumed.frames, "lobby", start + 1, last)
            assert resumed.messages("lobby")[-1]["cid"] == "after-resume"

        metrics = daemon.metrics()
        assert metric_sum(metrics, "chorus_resume_requests_total") == 1
        assert metric_sum(metrics, "chorus_replayed_messages_total") == start + total - seen_up_to
        assert metric_sum(metrics, "chorus_resume_gaps_total") == 0
    finally:
        slow.close()
        publisher.close()


def test_resume_older_than_history_gets_one_exact_gap(chorusd) -> None:
    daemon = chorusd({"batch": {"maxMessages": 10, "maxDelayMs": 1000}, "rooms": {"historyMessages": 100},
                      "limits": NO_RATE_LIMITS})
    with daemon.viewer("lobby") as publisher:
        start = publisher.welcome["seq"]
        for index in range(500):
            publisher.send({"type": "chat", "text": f"message {index}"})
        publisher.read_through("lobby", start + 500)
        # History keeps whole batches, the newest ones that fit in 100 messages. Batches are
        # mostly 10 long, but a host that stalls the sender past the window cuts one short
        # (CI saw history begin at 402 and at 408), so the boundary comes from the batches the
        # publisher itself received.
        sent = [(f["from"], f["to"]) for f in publisher.frames if f.get("type") == "batch"]
        assert_coverage(publisher.frames, "lobby", start + 1, start + 500)
        held_from, held = start + 501, 0
        for first, last in reversed(sent):
            if held + last - first + 1 > 100:
                break
            held, held_from = held + last - first + 1, first
        assert 90 < held <= 100, sent

        with console_since(daemon, str(start + 5)) as console:
            assert console.welcome["rooms"][0]["seq"] == start + 5
            console.read_through("lobby", start + 500)
            gaps = [f for f in console.frames if f.get("type") == "gap"]
            assert len(gaps) == 1, console.frames[:3]
            gap = gaps[0]
            lost = held_from - (start + 6)
            assert (gap["room"], gap["from"], gap["to"], gap["count"]) == ("lobby", start + 6, held_from - 1, lost)
            batches = [f for f in console.frames if f.get("type") == "batch"]
            assert_coverage(batches, "lobby", held_from, start + 500)
            assert console.frames.index(gap) < console.frames.index(batches[0]), "the gap must come first"

        metrics = daemon.metrics()
        assert metric_sum(metrics, "chorus_resume_gaps_total") == 1
        assert metric_sum(metrics, "chorus_resume_gap_messages_total") == lost


def test_viewer_resumes_mid_batch_then_gets_live_messages(chorusd) -> None:
    daemon = chorusd({"batch": {"maxMessages": 8, "maxDelayMs": 20}, "limits": NO_RATE_LIMITS})
    with daemon.viewer("lobby") as publisher:
        start = publisher.welcome["seq"]
        for index in range(40):
            publisher.send({"type": "chat", "text": f"olá {index}"})
        publisher.read_through("lobby", start + 40)

        since = start + 13  # inside the batch 9..16
        with Member.open(daemon.ws_url(f"/v1/viewer?room=lobby&since={since}")) as viewer:
            assert viewer.welcome["seq"] == since
            publisher.send({"type": "like", "cid": "live"})
            viewer.read_through("lobby", start + 41)
            assert_coverage(viewer.frames, "lobby", since + 1, start + 41)
            assert viewer.messages()[-1]["cid"] == "live"


def test_console_resumes_one_room_and_joins_another_live(chorusd) -> None:
    daemon = chorusd({"batch": {"maxMessages": 5, "maxDelayMs": 20}, "rooms": {"static": ["lobby", "other"]},
                      "limits": NO_RATE_LIMITS})
    with daemon.viewer("lobby") as lobby, daemon.viewer("other") as other:
        for index in range(20):
            lobby.send({"type": "chat", "text": f"hola {index}"})
            other.send({"type": "chat", "text": f"ciao {index}"})
        lobby.read_through("lobby", 20)
        other.read_through("other", 20)
        with console_since(daemon, "lobby:7", rooms="lobby,other") as console:
            assert sorted((r["room"], r["seq"]) for r in console.welcome["rooms"]) == [("lobby", 7), ("other", 20)]
            lobby.send({"type": "like"})
            other.send({"type": "like"})
            console.read_through("lobby", 21)
            console.read_through("other", 21)
            assert_coverage(console.frames, "lobby", 8, 21)
            assert_coverage(console.frames, "other", 21, 21)


def test_bad_since_is_refused_and_since_ahead_is_an_error_frame(chorusd) -> None:
    daemon = chorusd({"batch": {"maxMessages": 5, "maxDelayMs": 20}})
    expect_close_on_open(daemon.ws_url("/v1/viewer?room=lobby&since=abc"), 4000)
    expect_close_on_open(daemon.ws_url(f"/v1/console?rooms=lobby,other&token={TOKEN}&since=12"), 4000)
    expect_close_on_open(daemon.ws_url(f"/v1/console?rooms=lobby&token={TOKEN}&since=other:1"), 4000)
    with daemon.viewer("lobby") as publisher:
        for index in range(5):
            publisher.send({"type": "chat", "text": f"hi {index}"})
        publisher.read_through("lobby", 5)
        with Member.open(daemon.ws_url("/v1/viewer?room=lobby&since=999")) as viewer:
            assert viewer.welcome["seq"] == 5, "a since ahead of the room continues live"
            error = viewer.recv_type("error")
            assert error["code"] == "invalid_field" and "since" in error["message"]
            publisher.send({"type": "like"})
            viewer.read_through("lobby", 6)
            assert_coverage(viewer.frames, "lobby", 6, 6)

"""Abuse limits: per-connection interaction rates, room slow mode set by a console, connections
per client IP address. A throttled viewer gets an error frame and stays connected, unless it
keeps going; a flood of connections from one address does not keep other addresses out."""

from __future__ import annotations

import json
import threading
import time

from chorustest import Daemon, Member, expect_close_on_open, make_token, metric_sum

# A long chat window: a token comes back every 30 s, so however slowly a sanitized daemon reads
# the burst, no token refills during a test and the counts are exact.
SLOW_REFILL = {"limits": {"chatPerWindow": 20, "chatWindowSeconds": 600}}


def _stats(daemon: Daemon, room: str) -> dict:
    status, _, body = daemon.http("GET", f"/v1/rooms/{room}/stats")
    assert status == 200, status
    return json.loads(body)


def _metric(daemon: Daemon, name: str, want: float, at_least: bool = False, **labels: str) -> None:
    """Waits for a metric to reach `want`: service threads publish their counters on a timer."""
    deadline = time.monotonic() + 5
    while True:
        value = metric_sum(daemon.metrics(), name, **labels)
        if value == want or (at_least and value > want):
            return
        assert time.monotonic() < deadline, f"{name}{labels} = {value}, wanted {'>= ' if at_least else ''}{want}"
        time.sleep(0.05)


def _end_marker(sender: Member, observer: Member, cid: str) -> None:
    """A like after everything else: once the observer has it, it has all that came before."""
    sender.send({"type": "like", "cid": cid})
    observer.recv_until(lambda f: f.get("type") == "batch" and any(m.get("cid") == cid for m in f["messages"]),
                        what=f"batch holding {cid}")


def test_chat_rate_limit_throttles_without_disconnecting(chorusd) -> None:
    daemon = chorusd(SLOW_REFILL)
    with daemon.viewer("lobby") as sender, daemon.viewer("lobby") as observer:
        for i in range(25):
            sender.send({"type": "chat", "text": f"buy buy buy {i}", "cid": f"m{i}", "ack": True})
        acks, errors = [], []
        while len(acks) + len(errors) < 25:
            frame = sender.recv()
            if frame["type"] == "ack":
                acks.append(frame)
            elif frame["type"] == "error":
                errors.append(frame)
        assert [a["cid"] for a in acks] == [f"m{i}" for i in range(20)]
        assert [e["cid"] for e in errors] == [f"m{i}" for i in range(20, 25)]
        for error in errors:
            assert error["code"] == "rate_limited", error
            # One token per 600 s / 20 = 30 s; the advertised wait is never more than that.
            assert 25_000 < error["retryAfterMs"] <= 30_000, error
            assert isinstance(error["message"], str) and error["message"]

        # Still connected, and the other kinds have their own buckets.
        _end_marker(sender, observer, "still-here")
        chats = [m for m in observer.messages("lobby") if m["type"] == "chat"]
        assert [m["cid"] for m in chats] == [f"m{i}" for i in range(20)], "throttled chat was broadcast"
        assert not observer.errors()
        assert _stats(daemon, "lobby")["interactions"]["byType"]["chat"] == 20

    _metric(daemon, "chorus_throttled_interactions_total", 5, type="chat", reason="rate_limited")
    assert metric_sum(daemon.metrics(), "chorus_throttled_interactions_total", reason="slow_mode") == 0


def test_commerce_and_likes_have_their_own_limits(chorusd) -> None:
    daemon = chorusd({"limits": {"commercePerSecond": 1, "commerceBurst": 3, "likesPerSecond": 1, "likeBurst": 2}})
    with daemon.viewer("lobby") as sender, daemon.viewer("lobby") as observer:
        # Cart, purchase and coupon share one bucket.
        sender.send({"type": "cart", "sku": "SKU-1", "cid": "shop0"})
        sender.send({"type": "purchase", "sku": "SKU-1", "cid": "shop1"})
        sender.send({"type": "coupon", "code": "SAVE10", "cid": "shop2"})
        sender.send({"type": "purchase", "sku": "SKU-1", "cid": "shop3"})
        error = sender.recv_type("error")
        assert error["code"] == "rate_limited" and error["cid"] == "shop3", error
        assert 0 < error["retryAfterMs"] <= 1000, error
        for i in range(3):
            sender.send({"type": "like", "count": 100, "cid": f"like{i}"})
        error = sender.recv_type("error")
        assert error["code"] == "rate_limited" and error["cid"] == "like2", error
        sender.send({"type": "chat", "text": "chat is not limited by likes", "cid": "chat"})
        observer.read_through("lobby", observer.welcome["seq"] + 6)
        assert [m["cid"] for m in observer.messages("lobby")] == ["shop0", "shop1", "shop2", "like0", "like1", "chat"]


def test_a_viewer_that_keeps_going_is_closed_4008(chorusd) -> None:
    daemon = chorusd({"limits": {"chatPerWindow": 2, "chatWindowSeconds": 600, "throttledBeforeClose": 3}})
    with daemon.viewer("lobby") as sender, daemon.viewer("lobby") as observer:
        for i in range(5):
            sender.send({"type": "chat", "text": f"spam {i}", "cid": f"s{i}"})
        # Two accepted, three throttled (tolerated): the connection is still open.
        errors = [sender.recv_type("error") for _ in range(3)]
        assert [e["code"] for e in errors] == ["rate_limited"] * 3
        _end_marker(sender, observer, "tolerated")
        sender.send({"type": "chat", "text": "one more", "cid": "s5"})
        sender.expect_close(4008)
        assert [m["cid"] for m in observer.messages("lobby")] == ["s0", "s1", "tolerated"]
    _metric(daemon, "chorus_server_closes_total", 1, code="4008")


def test_slow_mode_set_by_a_console(chorusd) -> None:
    daemon = chorusd(SLOW_REFILL)
    with daemon.console(["lobby"], token=make_token(["lobby"])) as console, \
         daemon.viewer("lobby") as v, daemon.viewer("lobby") as w, daemon.viewer("lobby") as observer:
        console.send({"type": "slowmode", "room": "lobby", "seconds": 2})
        for member in (console, v, w, observer):
            notice = member.recv_type("slowmode")
            assert {k: notice[k] for k in ("type", "room", "seconds", "notice")} == \
                {"type": "slowmode", "room": "lobby", "seconds": 2, "notice": "slow_mode_on"}, notice
        assert metric_sum(daemon.metrics(), "chorus_slow_mode_rooms") == 1

        v.send({"type": "chat", "text": "first", "cid": "v1"})
        v.send({"type": "chat", "text": "too soon", "cid": "v2"})
        sent_at = time.monotonic()
        error = v.recv_type("error")
        assert error["code"] == "slow_mode" and error["cid"] == "v2", error
        assert 0 < error["retryAfterMs"] <= 2000, error
        # Slow mode spaces one viewer's chat only: another viewer, and v's likes, pass.
        w.send({"type": "chat", "text": "another viewer", "cid": "w1"})
        observer.read_through("lobby", observer.welcome["seq"] + 2)  # w may be on another thread than v
        v.send({"type": "like", "cid": "v-like"})
        observer.read_through("lobby", observer.welcome["seq"] + 3)

        time.sleep(max(0.0, error["retryAfterMs"] / 1000 - (time.monotonic() - sent_at)) + 0.05)
        v.send({"type": "chat", "text": "after the interval", "cid": "v3", "ack": True})
        assert v.recv_type("ack")["cid"] == "v3"

        console.send({"type": "slowmode", "room": "lobby", "seconds": 0})
        assert v.recv_type("slowmode")["seconds"] == 0
        v.send({"type": "chat", "text": "off again", "cid": "v4"})
        v.send({"type": "chat", "text": "and again", "cid": "v5"})
        _end_marker(v, observer, "end")
        assert [m["cid"] for m in observer.messages("lobby")] == ["v1", "w1", "v-like", "v3", "v4", "v5", "end"]
        assert not [e for e in v.errors() if e["cid"] != "v2"], v.errors()

    _metric(daemon, "chorus_throttled_interactions_total", 1, type="chat", reason="slow_mode")
    assert metric_sum(daemon.metrics(), "chorus_slow_mode_rooms") == 0


def test_slow_mode_needs_a_token_for_the_room(chorusd) -> None:
    daemon = chorusd({"rooms": {"static": ["lobby", "other"]}})
    with daemon.console(["other"], token=make_token(["other"])) as console, daemon.viewer("lobby") as v:
        console.send({"type": "slowmode", "room": "lobby", "seconds": 30})
        assert console.recv_type("error")["code"] == "forbidden"
        console.send({"type": "slowmode", "room": "nosuchroom", "seconds": 30})
        assert console.recv_type("error")["code"] == "forbidden"
        console.send({"type": "slowmode", "room": "other", "seconds": 99999})
        assert console.recv_type("error")["code"] == "invalid_field"
        v.send({"type": "slowmode", "room": "lobby", "seconds": 30})
        assert v.recv_type("error")["code"] == "unknown_type"
        # Nothing changed: the viewer chats twice in a row.
        v.send({"type": "chat", "text": "one", "cid": "a"})
        v.send({"type": "chat", "text": "two", "cid": "b"})
        v.read_through("lobby", v.welcome["seq"] + 2)
    with daemon.console(["lobby"], token=make_token("*")) as admin:
        admin.send({"type": "slowmode", "room": "nosuchroom", "seconds": 30})
        error = admin.recv_type("error")
        assert error["code"] == "invalid_field" and "'room'" in error["message"], error
        # A console need not be in the room; it is told the new setting all the same.
        admin.send({"type": "slowmode", "room": "other", "seconds": 5})
        notice = admin.recv_type("slowmode")
        assert {k: notice[k] for k in ("type", "room", "seconds")} == {"type": "slowmode", "room": "other", "seconds": 5}


def test_connections_per_ip_limit(chorusd) -> None:
    daemon = chorusd({"limits": {"maxConnectionsPerIP": 3}})
    url = daemon.ws_url("/v1/viewer?room=lobby")
    first = [Member.open(url) for _ in range(3)]
    try:
        expect_close_on_open(url, 4029)
        # A flood from 127.0.0.1 while other addresses connect: they all get in.
        refused: list[int] = []

        def flood() -> None:
            for _ in range(30):
                try:
                    expect_close_on_open(url, 4029)
                    refused.append(1)
                except AssertionError:
                    pass

        flooder = threading.Thread(target=flood)
        flooder.start()
        others = []
        try:
            for source in ("127.0.0.2", "127.0.0.3"):
                for _ in range(3):
                    others.append(Member.open(url, source=source))
            expect_close_on_open(url, 4029, source="127.0.0.2")
        finally:
            flooder.join()
            for member in others:
                member.close()
        assert len(refused) == 30, f"{30 - len(refused)} of 30 flood connections were not closed with 4029"

        # Closing one frees its place (the count drops once the daemon has seen the close).
        first.pop().close()
        deadline = time.monotonic() + 5
        while True:
            try:
                first.append(Member.open(url))
                break
            except AssertionError:
                assert time.monotonic() < deadline, "a closed connection's place was never freed"
                time.sleep(0.05)
    finally:
        for member in first:
            member.close()
    _metric(daemon, "chorus_connections_refused_per_ip_total", 32, at_least=True)


def test_per_ip_limit_from_the_environment(chorusd) -> None:
    daemon = chorusd(env={"CHORUS_LIMITS_MAX_CONNECTIONS_PER_IP": "1"})
    with daemon.viewer("lobby"):
        expect_close_on_open(daemon.ws_url("/v1/viewer?room=lobby"), 4029)
        with daemon.viewer("lobby", source="127.0.0.2") as other:
            assert other.welcome["type"] == "welcome"

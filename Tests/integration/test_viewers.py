"""Viewers: welcome, broadcast of every interaction type, room isolation, batches, language tags."""

from __future__ import annotations

import json
import time

import pytest

from chorustest import (SENTENCES, metric_sum, Daemon, Member, assert_coverage, check_batch, expect_close_on_open,
                        make_token, summarize)

INTERACTIONS = [
    {"type": "chat", "text": "hello there, is this available in blue?"},
    {"type": "like"},
    {"type": "like", "count": 7},
    {"type": "gift", "gift": "rose"},
    {"type": "gift", "gift": "rocket", "amount": 250},
    {"type": "cart", "sku": "SKU-1"},
    {"type": "purchase", "sku": "SKU-1"},
    {"type": "purchase", "sku": "SKU-2", "qty": 3},
    {"type": "coupon", "code": "SAVE10"},
]


def test_viewer_welcome_fields(shared: Daemon) -> None:
    with shared.viewer("a", locale="pt-BR", region="br", user="ana") as v:
        w = v.welcome
        assert w["role"] == "viewer"
        assert w["room"] == "a"
        assert isinstance(w["seq"], int) and w["seq"] >= 0
        assert w["user"] == "ana"
        assert w["locale"] == "pt-BR"
        assert w["region"] == "BR"
        assert w["batch"] == {"maxMessages": 256, "maxDelayMs": 50}


def test_viewer_welcome_defaults(shared: Daemon) -> None:
    with shared.viewer("a") as v:
        assert v.welcome["locale"] == "und"
        assert v.welcome["region"] == "ZZ"
        user = v.welcome["user"]
        assert isinstance(user, str) and user.startswith("v") and user[1:].isdigit(), user


def test_send_only_viewers_publish_without_receiving_batches(shared: Daemon) -> None:
    with shared.viewer("feed", locale="es-MX", region="MX", feed="none", user="shop") as sender, \
         shared.viewer("feed", locale="en-US", region="US") as reader:
        assert sender.welcome["feed"] == "none" and reader.welcome["feed"] == "all"
        first = reader.welcome["seq"] + 1
        sender.send({"type": "purchase", "sku": "SKU-7", "cid": "p-1", "ack": True})
        sender.send({"type": "chat", "text": SENTENCES["es"], "cid": "c-1"})
        reader.send({"type": "chat", "text": SENTENCES["en"], "cid": "c-2"})
        ack = sender.recv_type("ack")
        assert ack["cid"] == "p-1"
        reader.read_through("feed", first + 2)
        assert_coverage(reader.frames, "feed", first, first + 2)
        # Two connections, possibly two service threads: their messages may interleave either way.
        assert sorted((m["cid"], m["user"]) for m in reader.messages("feed")) == [
            ("c-1", "shop"), ("c-2", reader.welcome["user"]), ("p-1", "shop")]
        assert [m["seq"] for m in reader.messages("feed") if m["cid"] == "p-1"] == [ack["seq"]]
        # Everything it sent, and the reader's chat, went out in batches it must not get.
        sender.drain(quiet=0.5)
        assert not sender.batches(), summarize(sender.frames)
        status, _, body = shared.http("GET", "/v1/rooms/feed/stats")
        assert status == 200 and json.loads(body)["interactions"]["total"] >= 3


def test_feed_parameter_is_checked(shared: Daemon) -> None:
    expect_close_on_open(shared.ws_url("/v1/viewer?room=feed&feed=some"), 4000)
    expect_close_on_open(shared.ws_url("/v1/viewer?room=feed&feed=none&since=0"), 4000)
    with shared.viewer("feed", feed="all") as v:
        assert v.welcome["feed"] == "all"


def test_every_interaction_is_broadcast_to_its_room_only(shared: Daemon) -> None:
    with shared.viewer("a", locale="pt-BR", region="BR", user="ana") as a1, \
         shared.viewer("a", locale="en-US", region="US") as a2, \
         shared.viewer("b", locale="fr", region="FR") as b1, \
         shared.viewer("b") as b2:
        seq_a, seq_b = a1.welcome["seq"], b1.welcome["seq"]
        assert a2.welcome["seq"] == seq_a and b2.welcome["seq"] == seq_b
        before = int(time.time() * 1000)
        for i, frame in enumerate(INTERACTIONS):
            a1.send({**frame, "cid": f"a-{i}"})
        b1.send({"type": "chat", "text": SENTENCES["fr"], "cid": "b-0"})
        last_a = seq_a + len(INTERACTIONS)
        for member in (a1, a2):
            member.read_through("a", last_a)
        for member in (b1, b2):
            member.read_through("b", seq_b + 1)
        after = int(time.time() * 1000)

        for member in (a1, a2):
            assert_coverage(member.frames, "a", seq_a + 1, last_a)
            assert not member.batches("b"), "a viewer of room a received room b's batch"
        for member in (b1, b2):
            assert_coverage(member.frames, "b", seq_b + 1, seq_b + 1)
            assert not member.batches("a"), "a viewer of room b received room a's batch"
        # One encoding per batch: both members of a room get the very same frame text.
        assert [r for r in a1.raw if '"batch"' in r] == [r for r in a2.raw if '"batch"' in r]

        messages = a2.messages("a")
        assert [m["cid"] for m in messages] == [f"a-{i}" for i in range(len(INTERACTIONS))]
        for m, sent in zip(messages, INTERACTIONS):
            assert m["type"] == sent["type"]
            assert m["user"] == "ana" and m["locale"] == "pt-BR" and m["region"] == "BR"
            assert isinstance(m["ts"], int) and before - 1000 <= m["ts"] <= after + 1000, m
            if sent["type"] != "chat":
                assert m["lang"] == "pt", m
                assert "conf" not in m, m
        by_cid = {m["cid"]: m for m in messages}
        assert by_cid["a-0"]["text"] == INTERACTIONS[0]["text"]
        assert by_cid["a-1"]["count"] == 1
        assert by_cid["a-2"]["count"] == 7
        assert by_cid["a-3"]["gift"] == "rose" and by_cid["a-3"]["amount"] == 1
        assert by_cid["a-4"]["gift"] == "rocket" and by_cid["a-4"]["amount"] == 250
        assert by_cid["a-5"]["sku"] == "SKU-1"
        assert by_cid["a-6"]["sku"] == "SKU-1" and by_cid["a-6"]["qty"] == 1
        assert by_cid["a-7"]["sku"] == "SKU-2" and by_cid["a-7"]["qty"] == 3
        assert by_cid["a-8"]["code"] == "SAVE10"
        b_msg = b2.messages("b")[0]
        assert b_msg["cid"] == "b-0" and b_msg["locale"] == "fr" and b_msg["region"] == "FR"


def test_non_chat_lang_is_und_without_locale(shared: Daemon) -> None:
    with shared.viewer("solo") as v:
        v.send({"type": "cart", "sku": "X"})
        v.read_through("solo", v.welcome["seq"] + 1)
        m = v.messages("solo")[0]
        assert m["lang"] == "und" and "conf" not in m


def test_chat_language_tags(shared: Daemon) -> None:
    with shared.viewer("lang", locale="en-US", region="US") as v:
        seq = v.welcome["seq"]
        for lang, text in SENTENCES.items():
            v.send({"type": "chat", "text": text, "cid": lang})
        v.read_through("lang", seq + len(SENTENCES))
        got = {m["cid"]: m for m in v.messages("lang")}
        for lang in SENTENCES:
            m = got[lang]
            assert m["lang"] == lang, f"{SENTENCES[lang]!r} tagged {m['lang']} (conf {m.get('conf')}), wanted {lang}"
            assert isinstance(m["conf"], (int, float)) and 0 <= m["conf"] <= 1, m
        for lang in ("en", "es", "pt", "fr"):
            assert got[lang]["conf"] >= 0.5, got[lang]


def test_late_joiner_starts_at_welcome_seq_plus_one(shared: Daemon) -> None:
    with shared.viewer("c") as first:
        seq0 = first.welcome["seq"]
        for i in range(3):
            first.send({"type": "like", "cid": f"early-{i}"})
        first.read_through("c", seq0 + 3)
        with shared.viewer("c") as late:
            assert late.welcome["seq"] == seq0 + 3
            first.send({"type": "like", "cid": "late-0"})
            late.read_through("c", seq0 + 4)
            first.read_through("c", seq0 + 4)
            assert_coverage(late.frames, "c", seq0 + 4, seq0 + 4)
            assert_coverage(first.frames, "c", seq0 + 1, seq0 + 4)


def test_batches_respect_max_messages(chorusd) -> None:
    # A long delay makes the size limit the only reason to flush the first two batches.
    daemon = chorusd({"batch": {"maxMessages": 5, "maxDelayMs": 1000, "leadingEdge": False}})
    with daemon.viewer("lobby") as sender, daemon.viewer("lobby") as other:
        assert other.welcome["batch"] == {"maxMessages": 5, "maxDelayMs": 1000}
        seq = sender.welcome["seq"]
        for i in range(12):
            sender.send({"type": "like", "cid": str(i)})
        for member in (sender, other):
            member.read_through("lobby", seq + 12, timeout=5)
            batches = member.batches("lobby")
            for b in batches:
                check_batch(b)
            assert [len(b["messages"]) for b in batches] == [5, 5, 2], \
                [(b["from"], b["to"]) for b in batches]
            assert_coverage(member.frames, "lobby", seq + 1, seq + 12)
            assert [m["cid"] for m in member.messages()] == [str(i) for i in range(12)]


def test_batch_flushes_after_max_delay_without_leading_edge(chorusd) -> None:
    daemon = chorusd({"batch": {"maxMessages": 64, "maxDelayMs": 200, "leadingEdge": False}})
    with daemon.viewer("lobby") as v:
        start = time.monotonic()
        v.send({"type": "like"})
        v.read_through("lobby", v.welcome["seq"] + 1, timeout=3)
        elapsed = time.monotonic() - start
        assert elapsed >= 0.15, f"a one-message batch was flushed after {elapsed:.3f}s, before maxDelayMs"


def test_a_quiet_rooms_message_leaves_at_once_and_what_follows_waits_for_the_window(chorusd) -> None:
    daemon = chorusd({"batch": {"maxMessages": 64, "maxDelayMs": 1000}})
    with daemon.viewer("lobby") as sender, daemon.viewer("lobby") as other:
        seq = other.welcome["seq"]
        start = time.monotonic()
        sender.send({"type": "like", "cid": "first"})
        other.read_through("lobby", seq + 1, timeout=3)
        first = time.monotonic() - start
        assert first < 0.5, f"a quiet room's message waited {first:.3f}s of its 1 s window"
        for i in range(3):
            sender.send({"type": "like", "cid": f"next{i}"})
        other.read_through("lobby", seq + 4, timeout=3)
        rest = time.monotonic() - start
        assert rest >= 0.8, f"messages right after a flush left after {rest:.3f}s, inside its window"
        assert [(b["from"], b["to"]) for b in other.batches("lobby")] == [(seq + 1, seq + 1), (seq + 2, seq + 4)]


def test_batches_are_contiguous_under_load(chorusd) -> None:
    # Two senders of 200 messages each: far over the default per-connection rates, which are off
    # here (test_limits.py has them).
    daemon = chorusd({"rooms": {"static": ["c"]}, "limits": {"chatPerWindow": 0, "giftsPerSecond": 0}})
    with daemon.viewer("c") as s1, daemon.viewer("c") as s2, daemon.viewer("c") as watcher:
        seq = watcher.welcome["seq"]
        n = 400
        for i in range(n // 2):
            s1.send({"type": "chat", "text": f"message number {i} from the first sender"})
            s2.send({"type": "gift", "gift": "rose", "amount": i + 1})
        watcher.read_through("c", seq + n, timeout=10)
        for b in watcher.batches("c"):
            assert len(b["messages"]) <= watcher.welcome["batch"]["maxMessages"]
        assert_coverage(watcher.frames, "c", seq + 1, seq + n)


@pytest.mark.parametrize("query", [
    "room=bad%20room", "room=" + "x" * 65, "room=", "",
    "room=lobby&locale=%21%21", "room=lobby&locale=english_US", "room=lobby&region=12",
    "room=lobby&user=", "room=lobby&user=" + "u" * 65, "room=lobby&user=a%01b",
])
def test_bad_viewer_params_close_4000(shared: Daemon, query: str) -> None:
    expect_close_on_open(shared.ws_url("/v1/viewer?" + query), 4000)


def test_unknown_room_closes_4004(shared: Daemon) -> None:
    expect_close_on_open(shared.ws_url("/v1/viewer?room=nosuchroom&locale=en"), 4004)


def test_auto_create_rooms(chorusd) -> None:
    daemon = chorusd({"rooms": {"static": ["lobby"], "autoCreate": True}})
    with daemon.viewer("pop-up-7") as v:
        assert v.welcome["room"] == "pop-up-7" and v.welcome["seq"] == 0
        v.send({"type": "like"})
        v.read_through("pop-up-7", 1)
    status, _, _ = daemon.http("GET", "/v1/rooms/pop-up-7/stats")
    assert status == 200


def test_connection_limit_closes_1013(chorusd) -> None:
    daemon = chorusd({"limits": {"maxConnections": 2}})
    with daemon.viewer("lobby"), daemon.viewer("lobby"):
        expect_close_on_open(daemon.ws_url("/v1/viewer?room=lobby"), 1013)


def test_subprotocol_chorus_v1(shared: Daemon) -> None:
    with Member.open(shared.ws_url("/v1/viewer?room=lobby"), subprotocols=["chorus.v1"]) as v:
        assert v.ws.subprotocol == "chorus.v1"
        assert v.welcome["role"] == "viewer"


def test_idle_room_closes_but_static_rooms_stay(chorusd) -> None:
    daemon = chorusd({"rooms": {"static": ["lobby"], "idleSeconds": 1}})
    with daemon.console(["show-9"], token=make_token(["show-9"])):
        with daemon.viewer("show-9") as v:
            v.send({"type": "like"})
            v.read_through("show-9", 1)
    deadline = time.monotonic() + 10
    while metric_sum(daemon.metrics(), "chorus_rooms") > 1:
        assert time.monotonic() < deadline, "an empty room was still open 10 s after idleSeconds = 1"
        time.sleep(0.1)
    expect_close_on_open(daemon.ws_url("/v1/viewer?room=show-9"), 4004)
    # Closed, its stored counts still answer (durable counting).
    status, _, body = daemon.http("GET", "/v1/rooms/show-9/stats")
    assert status == 200 and json.loads(body)["interactions"]["total"] == 1 and json.loads(body)["viewers"] == 0
    assert daemon.http("GET", "/v1/rooms/never-opened/stats")[0] == 404
    assert daemon.http("GET", "/v1/rooms/lobby/stats")[0] == 200

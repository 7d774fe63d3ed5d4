"""Streamer consoles: tokens, multi-room subscriptions, language filters, commands."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from chorustest import (SENTENCES, Daemon, assert_coverage, chorusd_binary, expect_close_on_open,
                        make_token)


def test_console_token_in_query_gets_both_rooms(shared: Daemon) -> None:
    token = make_token(["a", "b"])
    with shared.console(["a", "b"], token=token) as console, \
         shared.viewer("a", locale="es", region="MX") as va, shared.viewer("b", locale="en", region="US") as vb:
        w = console.welcome
        assert w["role"] == "console"
        assert w["langs"] == []
        assert w["batch"] == {"maxMessages": 256, "maxDelayMs": 50}
        seqs = {r["room"]: r["seq"] for r in w["rooms"]}
        assert seqs == {"a": va.welcome["seq"], "b": vb.welcome["seq"]}
        va.send({"type": "chat", "text": SENTENCES["es"], "cid": "from-a"})
        vb.send({"type": "purchase", "sku": "SKU-3", "cid": "from-b"})
        console.read_through("a", seqs["a"] + 1)
        console.read_through("b", seqs["b"] + 1)
        assert_coverage(console.frames, "a", seqs["a"] + 1, seqs["a"] + 1)
        assert_coverage(console.frames, "b", seqs["b"] + 1, seqs["b"] + 1)
        assert [m["cid"] for m in console.messages("a")] == ["from-a"]
        assert [m["cid"] for m in console.messages("b")] == ["from-b"]
        assert console.messages("a")[0]["lang"] == "es"


def test_console_token_in_authorization_header(shared: Daemon) -> None:
    with shared.console(["a"], header_token=make_token(["a"])) as console, shared.viewer("a") as v:
        assert [r["room"] for r in console.welcome["rooms"]] == ["a"]
        v.send({"type": "like"})
        console.read_through("a", console.welcome["rooms"][0]["seq"] + 1)


def test_wildcard_token(shared: Daemon) -> None:
    with shared.console(["a", "b", "lobby"], token=make_token("*")) as console:
        assert sorted(r["room"] for r in console.welcome["rooms"]) == ["a", "b", "lobby"]


def test_console_language_filter(shared: Daemon) -> None:
    with shared.console(["a"], token=make_token(["a"]), langs="es") as console, \
         shared.viewer("a", locale="en-US", region="US") as viewer:
        assert console.welcome["langs"] == ["es"]
        seq = viewer.welcome["seq"]
        viewer.send({"type": "chat", "text": SENTENCES["en"], "cid": "en"})
        viewer.send({"type": "chat", "text": SENTENCES["es"], "cid": "es"})
        viewer.send({"type": "purchase", "sku": "SKU-1", "cid": "buy"})
        viewer.send({"type": "chat", "text": SENTENCES["fr"], "cid": "fr"})
        viewer.send({"type": "chat", "text": SENTENCES["es"], "cid": "es2"})
        viewer.read_through("a", seq + 5)
        console.read_through("a", seq + 5)
        # Same from/to as the unfiltered batches, chat in other languages removed and counted.
        assert [(b["from"], b["to"]) for b in console.batches("a")] == \
               [(b["from"], b["to"]) for b in viewer.batches("a")]
        assert [m["cid"] for m in console.messages("a")] == ["es", "buy", "es2"]
        assert sum(b.get("filtered", 0) for b in console.batches("a")) == 2
        for b in console.batches("a"):
            assert all(b["from"] <= m["seq"] <= b["to"] for m in b["messages"])
            assert b.get("filtered", 0) == (b["to"] - b["from"] + 1) - len(b["messages"])


def test_subscribe_unsubscribe_and_filter_commands(shared: Daemon) -> None:
    token = make_token(["a", "b"])
    with shared.console(["a"], token=token) as console, \
         shared.viewer("a") as va, shared.viewer("b") as vb:
        seq_a = console.welcome["rooms"][0]["seq"]
        # filter, then subscribe: the `subscribed` answer proves the filter was applied before it.
        console.send({"type": "filter", "langs": ["pt"]})
        console.send({"type": "subscribe", "rooms": ["b"]})
        sub = console.recv_type("subscribed")
        assert sub["room"] == "b" and sub["seq"] == vb.welcome["seq"]
        seq_b = sub["seq"]

        va.send({"type": "chat", "text": SENTENCES["en"], "cid": "en"})
        va.send({"type": "chat", "text": SENTENCES["pt"], "cid": "pt"})
        vb.send({"type": "coupon", "code": "X", "cid": "b1"})
        console.read_through("a", seq_a + 2)
        console.read_through("b", seq_b + 1)
        assert [m["cid"] for m in console.messages("a")] == ["pt"]
        assert sum(b.get("filtered", 0) for b in console.batches("a")) == 1
        assert [m["cid"] for m in console.messages("b")] == ["b1"]
        assert_coverage(console.frames, "b", seq_b + 1, seq_b + 1)

        # filter [] = every language; unsubscribe b, answered by `unsubscribed`.
        console.send({"type": "filter", "langs": []})
        console.send({"type": "unsubscribe", "rooms": ["b"]})
        unsub = console.recv_type("unsubscribed")
        assert unsub["room"] == "b"
        vb.send({"type": "coupon", "code": "Y", "cid": "b2"})
        vb.read_through("b", seq_b + 2)  # flushed to room b's members by now
        va.send({"type": "chat", "text": SENTENCES["en"], "cid": "en2"})
        console.read_through("a", seq_a + 3)
        assert [m["cid"] for m in console.messages("a")][-1] == "en2"
        assert "b2" not in [m["cid"] for m in console.messages("b")], "batch of an unsubscribed room delivered"
        assert_coverage(console.frames, "a", seq_a + 1, seq_a + 3)


def test_subscribe_to_room_outside_token_is_forbidden(shared: Daemon) -> None:
    with shared.console(["a"], token=make_token(["a"])) as console, shared.viewer("a") as viewer:
        console.send({"type": "subscribe", "rooms": ["c"]})
        err = console.recv_type("error")
        assert err["code"] == "forbidden", err
        assert not [f for f in console.frames if f.get("type") == "subscribed"]
        viewer.send({"type": "like"})
        console.read_through("a", viewer.welcome["seq"] + 1)


def _tampered(token: str) -> str:
    head, sig = token.rsplit(".", 1)
    return f"{head}.{('0' if sig[0] != '0' else '1')}{sig[1:]}"


@pytest.mark.parametrize("case", ["missing", "garbage", "expired", "bad-signature", "other-secret",
                                  "wrong-room", "wrong-room-header", "malformed"])
def test_bad_console_token_closes_4003(shared: Daemon, case: str) -> None:
    rooms = ["a", "b"]
    headers = None
    token: str | None
    if case == "missing":
        token = None
    elif case == "garbage":
        token = "not-a-token"
    elif case == "expired":
        token = make_token(rooms, expiry=int(time.time()) - 60)
    elif case == "bad-signature":
        token = _tampered(make_token(rooms))
    elif case == "other-secret":
        token = make_token(rooms, secret="not-the-secret-at-all")
    elif case == "wrong-room":
        token = make_token(["a"])
    elif case == "wrong-room-header":
        token = None
        headers = {"Authorization": "Bearer " + make_token(["b"])}
    else:
        token = make_token(["c"]).replace(".", "X", 1)
    url = shared.ws_url("/v1/console?rooms=a,b" + (f"&token={token}" if token else ""))
    expect_close_on_open(url, 4003, headers=headers)


@pytest.mark.parametrize("query", ["rooms=", "rooms=a,bad%20room", "rooms=a&langs=english%21"])
def test_bad_console_params_close_4000(shared: Daemon, query: str) -> None:
    expect_close_on_open(shared.ws_url(f"/v1/console?{query}&token={make_token('*')}"), 4000)


def test_console_opens_non_static_room(shared: Daemon) -> None:
    expect_close_on_open(shared.ws_url("/v1/viewer?room=popup-1"), 4004)
    with shared.console(["popup-1"], token=make_token(["popup-1"])) as console:
        assert console.welcome["rooms"] == [{"room": "popup-1", "seq": 0}]
        with shared.viewer("popup-1", locale="fr", region="FR") as viewer:
            assert viewer.welcome["seq"] == 0
            viewer.send({"type": "chat", "text": SENTENCES["fr"], "cid": "hi"})
            console.read_through("popup-1", 1)
            viewer.read_through("popup-1", 1)
            assert console.messages("popup-1")[0]["cid"] == "hi"
    expect_close_on_open(shared.ws_url("/v1/viewer?room=popup-2"), 4004)


def test_console_cannot_send_interactions(shared: Daemon) -> None:
    with shared.console(["a"], token=make_token(["a"])) as console:
        console.send({"type": "chat", "text": "hi"})
        err = console.recv_type("error")
        assert err["code"] == "unknown_type"
    with shared.viewer("a") as viewer:
        viewer.send({"type": "subscribe", "rooms": ["b"]})
        assert viewer.recv_type("error")["code"] == "unknown_type"


def test_token_command(chorusd) -> None:
    daemon = chorusd({"rooms": {"static": ["lobby", "a", "b"]}})
    out = subprocess.run([str(chorusd_binary()), "token", "--config", str(daemon.config_path),
                          "--room", "a", "--room", "b", "--ttl", "3600"],
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    match = re.fullmatch(r"([A-Za-z0-9_,*-]+)\.(\d+)\.([0-9a-f]{64})", token)
    assert match, f"token {token!r} does not have the documented shape"
    assert match.group(1) == "a,b"
    assert abs(int(match.group(2)) - (time.time() + 3600)) < 60
    assert token == make_token(["a", "b"], expiry=int(match.group(2)))
    with daemon.console(["a", "b"], token=token) as console:
        assert sorted(r["room"] for r in console.welcome["rooms"]) == ["a", "b"]


def test_console_filter_per_room(shared: Daemon) -> None:
    token = make_token(["a", "b"])
    with shared.console(["a", "b"], token=token) as console, \
         shared.viewer("a") as va, shared.viewer("b") as vb:
        console.send({"type": "filter", "room": "a", "langs": ["es"]})
        console.send({"type": "filter", "room": "lobby", "langs": ["es"]})  # not one of its rooms
        assert "'room'" in console.recv_type("error")["message"]  # also proves the first filter was applied
        seq_a, seq_b = va.welcome["seq"], vb.welcome["seq"]
        for v in (va, vb):
            v.send({"type": "chat", "text": SENTENCES["en"], "cid": "en"})
            v.send({"type": "chat", "text": SENTENCES["es"], "cid": "es"})
        console.read_through("a", seq_a + 2)
        console.read_through("b", seq_b + 2)
        assert [m["cid"] for m in console.messages("a")] == ["es"]
        assert [m["cid"] for m in console.messages("b")] == ["en", "es"]

"""Bad input: error frames keep the connection open; protocol violations close it with the right code.

In every test an observer viewer sits in the same room; at the end it must have received every
accepted message, contiguously, and none of the errors.
"""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from chorustest import Daemon, Member, RawWebSocket, assert_room_unaffected

ROOM = "bad"


@pytest.fixture
def observer(shared: Daemon) -> Iterator[Member]:
    member = shared.viewer(ROOM)
    yield member
    # Everything accepted in the room reached the observer, in order, and nothing else did.
    assert_room_unaffected(shared, member, ROOM)
    member.close()


def _still_works(viewer: Member, cid: str) -> None:
    viewer.send({"type": "like", "cid": cid})
    frame = viewer.recv_until(lambda f: f.get("type") == "batch" and any(m.get("cid") == cid for m in f["messages"]),
                              what=f"batch holding {cid}")
    assert frame["room"] == ROOM


@pytest.mark.parametrize("payload", ["{not json", "[1,2,3]", '"chat"', "42", "null", "", "{\"type\":\"chat\",}"])
def test_invalid_json(shared: Daemon, observer: Member, payload: str) -> None:
    with shared.viewer(ROOM) as v:
        v.send(payload)
        err = v.recv_type("error")
        assert err["code"] == "invalid_json", err
        assert isinstance(err.get("message"), str) and err["message"]
        _still_works(v, "after-invalid-json")


@pytest.mark.parametrize("frame", [{"type": "dance"}, {"text": "no type"}, {"type": 3}, {"type": "welcome"},
                                   {"type": "batch"}, {"type": "subscribe", "rooms": [ROOM]}])
def test_unknown_type(shared: Daemon, observer: Member, frame: dict) -> None:
    with shared.viewer(ROOM) as v:
        v.send(frame)
        assert v.recv_type("error")["code"] == "unknown_type"
        _still_works(v, "after-unknown-type")


@pytest.mark.parametrize("frame", [
    {"type": "chat"},
    {"type": "chat", "text": ""},
    {"type": "chat", "text": 5},
    {"type": "chat", "text": "x" * 501},
    {"type": "chat", "text": "ok", "cid": "c" * 65},
    {"type": "like", "count": 0},
    {"type": "like", "count": 101},
    {"type": "like", "count": "3"},
    {"type": "gift"},
    {"type": "gift", "gift": "rose", "amount": 1_000_001},
    {"type": "gift", "gift": "g" * 65},
    {"type": "cart"},
    {"type": "purchase", "qty": 1},
    {"type": "purchase", "sku": "S", "qty": 0},
    {"type": "purchase", "sku": "S", "qty": 10_001},
    {"type": "purchase", "sku": "S", "qty": 1.5},
    {"type": "coupon"},
    {"type": "coupon", "code": ["SAVE10"]},
])
def test_invalid_field(shared: Daemon, observer: Member, frame: dict) -> None:
    with shared.viewer(ROOM) as v:
        v.send(frame)
        err = v.recv_type("error")
        assert err["code"] == "invalid_field", f"{frame} -> {err}"
        _still_works(v, "after-invalid-field")


def test_limits_are_inclusive(shared: Daemon, observer: Member) -> None:
    with shared.viewer(ROOM) as v:
        seq = v.welcome["seq"]
        v.send({"type": "chat", "text": "é" * 500, "cid": "c" * 64})  # 500 characters, 1000 bytes
        v.send({"type": "like", "count": 100})
        v.send({"type": "purchase", "sku": "s" * 64, "qty": 10_000})
        v.read_through(ROOM, seq + 3)
        assert not v.errors()


def test_too_large(shared: Daemon, observer: Member) -> None:
    with shared.viewer(ROOM) as v:
        big = json.dumps({"type": "coupon", "code": "X", "pad": "p" * 5000})
        v.send(big)
        err = v.recv_type("error")
        assert err["code"] == "too_large", err
        _still_works(v, "after-too-large")
        assert all(m["cid"] == "after-too-large" for m in v.messages(ROOM)), "the oversize message was broadcast"


def test_invalid_utf8_closes_1007(shared: Daemon, observer: Member) -> None:
    raw = RawWebSocket(shared.port, f"/v1/viewer?room={ROOM}")
    try:
        assert raw.recv()["type"] == "welcome"
        raw.send_text(b'{"type":"chat","text":"\xff\xfe\xc3"}')
        while (frame := raw.recv(timeout=5)) is not None:
            assert frame.get("type") != "error", f"error frame instead of close 1007: {frame}"
        assert raw.close_code == 1007
    finally:
        raw.close()


def test_too_many_errors_closes_4009(shared: Daemon, observer: Member) -> None:
    with shared.viewer(ROOM) as v:
        # limits.maxErrorsPerConnection = 20: twenty invalid frames are answered and tolerated...
        for i in range(1, 21):
            v.send("{broken")
            try:
                err = v.recv_type("error")
            except AssertionError as error:
                raise AssertionError(f"invalid frame #{i} of 20 allowed: {error}") from None
            assert err["code"] == "invalid_json"
        _still_works(v, "after-20-errors")
        # ...the twenty-first is one too many.
        v.send("{broken")
        v.expect_close(4009)

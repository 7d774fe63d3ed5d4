"""Bad content in names and chat, over raw sockets: bidi controls, zero-width characters,
combining-mark floods, and chat limited in characters and bytes (docs/protocol.md, "Text
content"; docs/security.md, "Bad content and fuzzing").

An observer viewer sits in the same room: it must receive every accepted chat exactly as the
daemon relays it, and no error, whatever the other connections sent.
"""

from __future__ import annotations

import json
import struct
import urllib.parse
from typing import Iterator

import pytest

from chorustest import Daemon, Member, RawWebSocket

ROOM = "lobby"
MARK = "\u0301"  # COMBINING ACUTE ACCENT


@pytest.fixture
def observer(shared: Daemon) -> Iterator[Member]:
    member = shared.viewer(ROOM)
    yield member
    # The control viewer still receives, and never saw an error meant for someone else.
    with shared.viewer(ROOM) as closer:
        closer.send({"type": "like", "cid": "end-of-content-test"})
        member.recv_until(lambda f: f.get("type") == "batch"
                          and any(m.get("cid") == "end-of-content-test" for m in f["messages"]),
                          what="the closing like")
    assert not member.errors(), f"errors leaked to another viewer: {member.errors()}"
    member.close()


def _viewer(shared: Daemon, user: str | None = None) -> RawWebSocket:
    query = f"room={ROOM}" + (f"&user={urllib.parse.quote(user)}" if user is not None else "")
    return RawWebSocket(shared.port, f"/v1/viewer?{query}")


def _send_chat(raw: RawWebSocket, text: str, cid: str) -> None:
    # Hand-built UTF-8, no escapes: the daemon sees the bytes a client would send.
    raw.send_text(json.dumps({"type": "chat", "text": text, "cid": cid}, ensure_ascii=False).encode("utf-8"))


def _next_error(raw: RawWebSocket) -> dict:
    while (frame := raw.recv()) is not None:
        if frame.get("type") == "error":
            return frame
    raise AssertionError(f"closed with {raw.close_code} instead of an error frame")


def _relayed(member: Member, cid: str) -> dict:
    frame = member.recv_until(lambda f: f.get("type") == "batch" and any(m.get("cid") == cid for m in f["messages"]),
                              what=f"chat {cid}")
    return next(m for m in frame["messages"] if m.get("cid") == cid)


@pytest.mark.parametrize("user", ["\u202e", "\u200b", "ana\u200d", "\u2067bob\u2069", "\u200ftom", "\ufeffx", "\u2060"])
def test_invisible_characters_in_a_user_id_close_4000(shared: Daemon, observer: Member, user: str) -> None:
    raw = _viewer(shared, user)
    try:
        opcode, _, payload = raw.recv_frame()
        assert opcode == 0x8, f"expected a close frame, got opcode {opcode}: {payload!r}"
        assert struct.unpack("!H", payload[:2])[0] == 4000
        assert payload[2:].decode() == "invalid user: bidi control or zero-width character"
    finally:
        raw.close()


@pytest.mark.parametrize("user", ["José", "علي", "李小龙", "🙂"])
def test_ordinary_names_are_accepted(shared: Daemon, observer: Member, user: str) -> None:
    raw = _viewer(shared, user)
    try:
        welcome = raw.recv()
        assert welcome is not None and welcome["type"] == "welcome" and welcome["user"] == user
    finally:
        raw.close()


@pytest.mark.parametrize(("text", "reason"), [
    ("a" + MARK * 9, "has more than 8 combining marks on one character"),
    ("Z" + MARK * 60 + "algo", "has more than 8 combining marks on one character"),
    # The case: one character, but 3,001 bytes.
    ("a" + MARK * 1500, "is longer than 2000 bytes"),
    # 100 characters, 2,500 bytes.
    ("👨\u200d👩\u200d👧\u200d👦" * 100, "is longer than 2000 bytes"),
    ("x" * 501, "is longer than 500 characters"),
    ("\u200b\u200c\u200d\u2060\ufeff", "is blank"),
    ("\u202e\u2066", "is blank"),
    # 500 characters with an RLO left open: the PDF the daemon would append makes it 501.
    ("\u202e" + "x" * 499, "is longer than 500 characters"),
], ids=["9-marks", "zalgo", "a-and-1500-marks", "100-family-emoji", "501-chars", "zero-width-only", "bidi-only",
        "open-rlo-at-the-limit"])
def test_bad_chat_text_gets_invalid_field(shared: Daemon, observer: Member, text: str, reason: str) -> None:
    raw = _viewer(shared)
    try:
        assert raw.recv()["type"] == "welcome"
        _send_chat(raw, text, "bad-text")
        error = _next_error(raw)
        assert error["code"] == "invalid_field", error
        assert error["message"] == f"field 'text' {reason}", error
        too_long = reason.startswith("is longer")
        assert error["notice"] == ("message_too_long" if too_long else "invalid_message"), error
        # The connection stays usable.
        _send_chat(raw, "still here", "after-bad-text")
        assert _relayed(observer, "after-bad-text")["text"] == "still here"
    finally:
        raw.close()


@pytest.mark.parametrize(("sent", "relayed"), [
    ("\u202eevil", "\u202eevil\u202c"),
    ("\u2067\u202bnested", "\u2067\u202bnested\u202c\u2069"),
    ("\u202eclosed\u202c", "\u202eclosed\u202c"),
    ("\u200fשלום\u200f", "\u200fשלום\u200f"),
    ("می\u200cخواهم 👨\u200d👩\u200d👧", "می\u200cخواهم 👨\u200d👩\u200d👧"),
    ("Tiê\u0302\u0323ng " + "a" + MARK * 8, "Tiê\u0302\u0323ng " + "a" + MARK * 8),
    # 499 characters with an RLO left open: relayed as 500 with its PDF.
    ("\u202e" + "x" * 498, "\u202e" + "x" * 498 + "\u202c"),
], ids=["rlo", "rli-rle", "closed-rlo", "rlm", "zwnj-zwj", "8-marks", "open-rlo-under-the-limit"])
def test_chat_is_relayed_with_its_bidi_controls_closed(shared: Daemon, observer: Member, sent: str,
                                                        relayed: str) -> None:
    raw = _viewer(shared)
    try:
        assert raw.recv()["type"] == "welcome"
        _send_chat(raw, sent, "bidi")
        assert _relayed(observer, "bidi")["text"] == relayed
    finally:
        raw.close()

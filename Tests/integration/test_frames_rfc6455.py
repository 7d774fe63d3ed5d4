"""Bad frames after the upgrade (RFC 6455), sent with raw sockets and hand-built bytes.

Each ends with a close frame carrying the exact code (never a bare TCP close where a frame is
possible), and an observer viewer in the same room keeps receiving: at the end it has every
accepted message, contiguously, and nothing the bad connection sent. docs/security.md, "Bad
frames after the upgrade", lists these cases with what libwebsockets decides itself.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Iterator

import pytest

from chorustest import Daemon, Member, RawWebSocket, assert_room_unaffected

ROOM = "frames"
CHAT = json.dumps({"type": "chat", "text": "must never be relayed", "cid": "bad"}).encode()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """This module's daemon: default limits, the room ROOM."""
    daemon = Daemon(tmp_path_factory.mktemp("frames"), {"rooms": {"static": [ROOM]}})
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def observer(shared: Daemon) -> Iterator[Member]:
    member = shared.viewer(ROOM)
    yield member
    # Everything accepted in the room reached the observer, in order, and nothing else did.
    assert_room_unaffected(shared, member, ROOM, forbidden_cid="bad")
    member.close()


def frame(opcode: int, payload: bytes, *, fin: bool = True, rsv: int = 0, masked: bool = True,
          length: int | None = None, length_bytes: bytes | None = None) -> bytes:
    """A client frame; `length`/`length_bytes` announce something other than the payload's size."""
    n = len(payload) if length is None else length
    first = bytes([(0x80 if fin else 0) | rsv << 4 | opcode])
    bit = 0x80 if masked else 0
    if length_bytes is not None:
        header = first + bytes([bit | 127]) + length_bytes
    elif n < 126:
        header = first + bytes([bit | n])
    elif n < 65536:
        header = first + bytes([bit | 126]) + struct.pack("!H", n)
    else:
        header = first + bytes([bit | 127]) + struct.pack("!Q", n)
    if not masked:
        return header + payload
    mask = os.urandom(4)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def close_payload(code: int, reason: bytes = b"") -> bytes:
    return struct.pack("!H", code) + reason


def open_raw(daemon: Daemon) -> RawWebSocket:
    raw = RawWebSocket(daemon.port, f"/v1/viewer?room={ROOM}")
    assert raw.recv()["type"] == "welcome"
    return raw


def expect_close_frame(raw: RawWebSocket, timeout: float = 10.0) -> tuple[int | None, bytes, list[dict]]:
    """Reads to the server's close frame: its code (None for an empty payload), its reason,
    and the text messages before it. A TCP close without a close frame fails the test."""
    texts: list[dict] = []
    while True:
        try:
            opcode, _, payload = raw.recv_frame(timeout)
        except EOFError:
            raise AssertionError("bare TCP close: the server sent no close frame") from None
        if opcode == 0x8:
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
            return code, payload[2:], texts
        if opcode == 0x1:
            texts.append(json.loads(payload))


def send_expect(daemon: Daemon, data: bytes, code: int | None) -> tuple[bytes, list[dict]]:
    raw = open_raw(daemon)
    try:
        raw.sock.sendall(data)
        got, reason, texts = expect_close_frame(raw)
        assert got == code, f"close {got} ({reason!r}), expected {code}"
        return reason, texts
    finally:
        raw.close()


# ---- close frames ------------------------------------------------------------------------

# 1012-1014 are registered since RFC 6455, but libwebsockets 4.1.6 rewrites them to 1002 itself.
@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1012, 1015, 1016, 1100, 2000, 2999, 5000, 65535])
def test_invalid_close_code_gets_1002(shared: Daemon, observer: Member, code: int) -> None:
    send_expect(shared, frame(0x8, close_payload(code)), 1002)


@pytest.mark.parametrize("code", [1000, 1001, 1003, 1011, 3000, 4999])
def test_valid_close_code_is_echoed(shared: Daemon, observer: Member, code: int) -> None:
    reason, _ = send_expect(shared, frame(0x8, close_payload(code, "fin ✓".encode())), code)
    assert reason == "fin ✓".encode()


def test_empty_close_is_echoed_empty(shared: Daemon, observer: Member) -> None:
    send_expect(shared, frame(0x8, b""), None)


def test_one_byte_close_payload_gets_1002(shared: Daemon, observer: Member) -> None:
    send_expect(shared, frame(0x8, b"\x03"), 1002)


@pytest.mark.parametrize("reason", [b"\xff\xfe", b"ok\xed\xa0\x80", b"cut \xe2\x82"])
def test_close_reason_not_utf8_gets_1007(shared: Daemon, observer: Member, reason: bytes) -> None:
    send_expect(shared, frame(0x8, close_payload(1000, reason)), 1007)


def test_chat_after_close_frame_is_discarded(shared: Daemon, observer: Member) -> None:
    # The close frame and a chat in one write, and the chat alone right after it.
    for attempt in range(10):
        raw = open_raw(shared)
        try:
            if attempt % 2:
                raw.sock.sendall(frame(0x8, close_payload(1000)) + frame(0x1, CHAT))
            else:
                raw.sock.sendall(frame(0x8, close_payload(1000)))
                raw.sock.sendall(frame(0x1, CHAT))
            code, _, texts = expect_close_frame(raw)
            assert code == 1000
            assert not any(t.get("type") == "ack" for t in texts)
        finally:
            raw.close()


# ---- control frames and lengths (decided by libwebsockets' parser; the close frame is ours) --
# lws 4.1.6 gives up at the byte that breaks the rule and closes with the frame FrameRules
# armed; these send the frame up to that byte. Bytes of the bad frame that arrive after it
# may be parsed as new frames before lws writes its close, which can end in a bare TCP close
# (docs/security.md): test_whole_bad_frame_closes_the_connection covers that case.

@pytest.mark.parametrize("opcode", [0x8, 0x9, 0xA])
def test_control_frame_over_125_bytes_gets_1002(shared: Daemon, observer: Member, opcode: int) -> None:
    send_expect(shared, frame(opcode, b"x" * 126)[:2], 1002)


def test_control_frame_with_64_bit_length_gets_1002(shared: Daemon, observer: Member) -> None:
    send_expect(shared, frame(0x9, b"", length_bytes=struct.pack("!Q", 5))[:2], 1002)


def test_length_with_top_bit_set_gets_1002(shared: Daemon, observer: Member) -> None:
    send_expect(shared, frame(0x1, b"", length_bytes=bytes([0x80, 0, 0, 0, 0, 0, 0, 16]))[:3], 1002)


@pytest.mark.parametrize("data", [
    frame(0x9, b"x" * 126), frame(0x8, close_payload(1000, b"r" * 124)),
    frame(0x1, CHAT, length_bytes=bytes([0x80, 0, 0, 0, 0, 0, 0, len(CHAT)])),
], ids=["ping-126", "close-126", "top-bit"])
def test_whole_bad_frame_closes_the_connection(shared: Daemon, observer: Member, data: bytes) -> None:
    raw = open_raw(shared)
    try:
        raw.sock.sendall(data)
        try:
            code, _, texts = expect_close_frame(raw)
            assert code == 1002, code
        except AssertionError as error:
            assert "bare TCP close" in str(error), error  # the race described above
    finally:
        raw.close()


def test_frame_announcing_2_62_bytes_gets_too_large_and_1009(shared: Daemon, observer: Member) -> None:
    # The header and 256 bytes: closed at the first piece, not after reading the limit.
    head = frame(0x1, b"", length_bytes=struct.pack("!Q", 1 << 62))
    mask = head[-4:]
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(b'{"type":"chat","text":"' + b"a" * 233))
    _, texts = send_expect(shared, head + body, 1009)
    assert [t.get("code") for t in texts if t.get("type") == "error"] == ["too_large"], texts


def test_frame_just_over_the_limit_still_gets_too_large_and_stays_open(shared: Daemon, observer: Member) -> None:
    raw = open_raw(shared)
    try:
        raw.send_text(json.dumps({"type": "coupon", "code": "X", "pad": "p" * 70_000}))
        error = raw.recv()
        assert error is not None and error["code"] == "too_large", error
        raw.send_text(json.dumps({"type": "like", "cid": "after-large"}))
        while (message := raw.recv()) is not None:
            if message.get("type") == "batch" and any(m.get("cid") == "after-large" for m in message["messages"]):
                break
        else:
            raise AssertionError(f"closed with {raw.close_code}")
    finally:
        raw.close()


def test_ping_is_answered_with_its_payload_and_a_bad_frame_after_it_still_gets_1002(
        shared: Daemon, observer: Member) -> None:
    raw = open_raw(shared)
    try:
        payload = bytes(range(64))
        raw.send_frame(0x9, payload)
        while True:
            opcode, _, got = raw.recv_frame()
            if opcode == 0xA and got == payload:
                break
            assert opcode != 0x8, f"closed: {got!r}"
        # A like goes through a writable callback, then a control frame announcing 126 bytes.
        raw.send_text(json.dumps({"type": "like", "cid": "after-ping"}))
        while (message := raw.recv()) is not None:
            if message.get("type") == "batch" and any(m.get("cid") == "after-ping" for m in message["messages"]):
                break
        raw.sock.sendall(frame(0xA, b"p" * 126)[:2])
        code, _, _ = expect_close_frame(raw)
        assert code == 1002
    finally:
        raw.close()


@pytest.mark.xfail(strict=True, reason="lws 4.1.6 hands a control frame over in receive-buffer pieces (64 bytes for "
                   "chorus.v1) and drops the second piece of a ping: the pong carries the first 64 bytes "
                   "(docs/security.md)")
def test_ping_of_125_bytes_is_answered_with_all_of_them(shared: Daemon, observer: Member) -> None:
    raw = open_raw(shared)
    try:
        payload = bytes(range(125))
        raw.send_frame(0x9, payload)
        while True:
            opcode, _, got = raw.recv_frame()
            if opcode == 0xA:
                assert got == payload, f"pong carries {len(got)} of {len(payload)} bytes"
                return
            assert opcode != 0x8, f"closed: {got!r}"
    finally:
        raw.close()


def test_close_reason_of_123_bytes_is_echoed_as_utf8(shared: Daemon, observer: Member) -> None:
    # 2 + 123 bytes, cut by lws after 64 inside a 3-byte character: the echo is still UTF-8.
    reason = ("€" * 41).encode()
    raw = open_raw(shared)
    try:
        raw.sock.sendall(frame(0x8, close_payload(1000, reason)))
        code, echoed, _ = expect_close_frame(raw)
        assert code == 1000
        echoed.decode("utf-8")
        assert reason.startswith(echoed.rstrip(b" ")), echoed
    finally:
        raw.close()


# ---- opcodes, bits and fragments (libwebsockets names these itself) -------------------------

@pytest.mark.parametrize("data", [
    frame(0x3, b"x"), frame(0xB, b"x"),  # reserved data and control opcodes
    frame(0x1, CHAT, rsv=4), frame(0x1, CHAT, rsv=1),  # RSV bits without an extension
    frame(0x9, b"x", fin=False),  # a fragmented ping
    frame(0x0, CHAT),  # a continuation with nothing to continue
    frame(0x1, CHAT[:5], fin=False) + frame(0x1, CHAT[5:]),  # a new message inside a fragmented one
], ids=["opcode-3", "opcode-11", "rsv1", "rsv3", "fragmented-ping", "lone-continuation", "text-inside-text"])
def test_protocol_violation_gets_1002(shared: Daemon, observer: Member, data: bytes) -> None:
    send_expect(shared, data, 1002)


# ---- UTF-8 (checked by the relay, piece by piece) ------------------------------------------

@pytest.mark.parametrize("data", [
    frame(0x1, b'{"type":"chat","text":"\xff"}'),
    frame(0x1, b'{"type":"chat","text":"\xed\xa0\x80"}'),  # a surrogate
    frame(0x1, b'{"type":"chat","text":"\xc0\xaf"}'),  # an overlong
    frame(0x1, b'{"type":"chat","text":"\xe2\x82', fin=False) + frame(0x0, b'"}'),  # split, then wrong
    frame(0x1, b'{"type":"chat","text":"ok"}\xe2\x82'),  # ends inside a character
], ids=["ff", "surrogate", "overlong", "split", "truncated"])
def test_invalid_utf8_gets_1007(shared: Daemon, observer: Member, data: bytes) -> None:
    send_expect(shared, data, 1007)


def test_invalid_utf8_fails_fast_before_the_message_ends(shared: Daemon, observer: Member) -> None:
    # The first fragment holds a byte that is never UTF-8; no FIN follows.
    send_expect(shared, frame(0x1, b'{"type":"chat","text":"\xff' + b"a" * 100, fin=False), 1007)


def test_utf8_split_between_fragments_is_accepted(shared: Daemon, observer: Member) -> None:
    raw = open_raw(shared)
    try:
        text = '{"type":"chat","text":"€uro","cid":"split-ok"}'.encode()
        cut = text.index("€".encode()) + 1
        raw.sock.sendall(frame(0x1, text[:cut], fin=False) + frame(0x0, text[cut:]))
        while (message := raw.recv()) is not None:
            if message.get("type") == "batch" and any(m.get("cid") == "split-ok" for m in message["messages"]):
                break
            assert message.get("type") != "error", message
        else:
            raise AssertionError(f"closed with {raw.close_code}")
    finally:
        raw.close()


# ---- masking: what libwebsockets 4.1.6 cannot be made to check --------------------------------

@pytest.mark.xfail(strict=True, reason="libwebsockets 4.1.6 parses unmasked client frames and no callback "
                   "sees the mask bit (docs/security.md, 'Bad frames after the upgrade')")
def test_unmasked_client_frame_gets_1002(shared: Daemon, observer: Member) -> None:
    send_expect(shared, frame(0x1, json.dumps({"type": "like", "cid": "unmasked"}).encode(), masked=False), 1002)

"""`chorus.ingest`: the WebSocket subprotocol a heavy sender (a bridge, a commerce back end)
asks for. The daemon then reads its connection 4 KB at a time instead of 192 bytes, so a
backlog of lines in the socket costs one read, not one read and one event-loop pass per line;
lines straddle those reads and must come out whole, once each, in order."""

from __future__ import annotations

import json

import pytest
from chorustest import Member, RawWebSocket, assert_coverage
from test_backpressure import NO_RATE_LIMITS
from websockets.exceptions import InvalidMessage


def test_a_sender_gets_chorus_ingest_when_it_asks_and_the_default_otherwise(chorusd) -> None:
    daemon = chorusd({"limits": NO_RATE_LIMITS})
    url = daemon.ws_url("/v1/viewer?room=lobby&feed=none")
    with Member.open(url, subprotocols=["chorus.ingest"]) as sender:
        assert sender.ws.subprotocol == "chorus.ingest"
    with Member.open(url, subprotocols=["x-unknown", "chorus.ingest"]) as sender:
        assert sender.ws.subprotocol == "chorus.ingest"
    with Member.open(url) as viewer:
        assert viewer.ws.subprotocol is None
        assert viewer.welcome["feed"] == "none"


def test_a_subprotocol_the_daemon_does_not_speak_is_refused_at_the_handshake(chorusd) -> None:
    daemon = chorusd({})
    with pytest.raises(InvalidMessage):
        Member.open(daemon.ws_url("/v1/viewer?room=lobby"), subprotocols=["x-unknown"])
    # The daemon is unharmed.
    with Member.open(daemon.ws_url("/v1/viewer?room=lobby")) as viewer:
        assert viewer.welcome["type"] == "welcome"


@pytest.mark.parametrize("subprotocol", ["chorus.ingest", None])
def test_a_burst_written_in_one_go_is_numbered_once_each_in_order(chorusd, subprotocol: str | None) -> None:
    daemon = chorusd({"limits": NO_RATE_LIMITS, "batch": {"maxMessages": 256, "maxDelayMs": 20}})
    headers = {"Sec-WebSocket-Protocol": subprotocol} if subprotocol else {}
    with daemon.viewer("lobby") as reader:
        start = reader.welcome["seq"]
        sender = RawWebSocket(daemon.port, "/v1/viewer?room=lobby&feed=none", headers=headers)
        try:
            if subprotocol:
                assert f"sec-websocket-protocol: {subprotocol}" in sender.head.lower()
            else:
                assert "sec-websocket-protocol" not in sender.head.lower()
            assert sender.recv()["type"] == "welcome"
            # 600 lines of 60-170 bytes (≈ 70 KB): many per 4 KB read, and lines cut by reads.
            texts = [f"línea {index} " + "palabra " * (index % 16) for index in range(600)]
            burst = b"".join(
                RawWebSocket.frame(0x1, json.dumps({"type": "chat", "text": text}, ensure_ascii=False).encode())
                for text in texts)
            sender.sock.sendall(burst)
            reader.read_through("lobby", start + len(texts), timeout=20)
        finally:
            sender.close()
        assert_coverage(reader.frames, "lobby", start + 1, start + len(texts))
        assert [message["text"] for message in reader.messages("lobby")] == texts

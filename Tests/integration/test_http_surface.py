"""The HTTP surface before the WebSocket upgrade (issue 20): every bad request head gets one
documented HTTP answer, then the connection is closed; nothing hangs open.

Raw sockets only (a WebSocket library would refuse to send these bytes). Each case asserts the
exact status line, that the daemon closed the connection after its one answer, and that a
control viewer in the room keeps receiving.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import time
from typing import Iterator

import pytest

from chorustest import Daemon, Member, RawWebSocket, expect_close_on_open, metric_sum, wait_metric

ROOM = "lobby"
GOOD_KEY = base64.b64encode(os.urandom(16)).decode()


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    d = Daemon(tmp_path_factory.mktemp("surface"), {"limits": {"handshakeTimeoutSeconds": 2}})
    d.start()
    yield d
    d.stop()


@pytest.fixture
def control(daemon: Daemon) -> Iterator[Member]:
    """A viewer in the room: after each case it still receives what another viewer sends."""
    member = daemon.viewer(ROOM)
    yield member
    with daemon.viewer(ROOM) as sender:
        cid = f"after-{time.monotonic_ns()}"
        sender.send({"type": "like", "cid": cid})
        member.recv_until(lambda f: f.get("type") == "batch" and any(m.get("cid") == cid for m in f["messages"]),
                          what=f"batch holding {cid}")
    member.close()


def upgrade(target: str = f"/v1/viewer?room={ROOM}", method: str = "GET", version: str = "HTTP/1.1",
            drop: tuple[str, ...] = (), **headers: str) -> bytes:
    """An upgrade request with `headers` replacing (or adding to) the good ones, `drop` removed."""
    fields = {"Host": "127.0.0.1", "Upgrade": "websocket", "Connection": "Upgrade",
              "Sec-WebSocket-Key": GOOD_KEY, "Sec-WebSocket-Version": "13"}
    fields.update({name.replace("_", "-"): value for name, value in headers.items()})
    lines = [f"{method} {target} {version}"] + [f"{k}: {v}" for k, v in fields.items() if k not in drop]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def plain(method: str, target: str, *extra: str) -> bytes:
    return "\r\n".join([f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *extra, "", ""]).encode()


def exchange(daemon: Daemon, data: bytes, timeout: float = 5.0) -> bytes:
    """Sends `data`, reads until the daemon closes; fails if it does not close in `timeout`."""
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout) as sock:
        sock.sendall(data)
        response = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            response += chunk
    return response


def status_line(response: bytes) -> str:
    return response.split(b"\r\n", 1)[0].decode("latin-1")


def head_of(response: bytes) -> str:
    return response.split(b"\r\n\r\n", 1)[0].decode("latin-1")


def answers(response: bytes) -> int:
    """Status lines in the response (a smuggled request answered would add one)."""
    return len(re.findall(rb"(?:^|\n)HTTP/1\.[01] \d{3} ", response))


SHORT_KEY = base64.b64encode(b"x" * 15).decode()
LONG_KEY = base64.b64encode(b"x" * 17).decode()

REFUSED_UPGRADES = [
    ("key-not-base64", upgrade(Sec_WebSocket_Key="not base64 at all!!!!!!!"), "HTTP/1.1 400 Bad Request"),
    ("key-15-bytes", upgrade(Sec_WebSocket_Key=SHORT_KEY), "HTTP/1.1 400 Bad Request"),
    ("key-17-bytes", upgrade(Sec_WebSocket_Key=LONG_KEY), "HTTP/1.1 400 Bad Request"),
    ("key-missing", upgrade(drop=("Sec-WebSocket-Key",)), "HTTP/1.1 400 Bad Request"),
    ("version-12", upgrade(Sec_WebSocket_Version="12"), "HTTP/1.1 426 Upgrade Required"),
    ("version-14", upgrade(Sec_WebSocket_Version="14"), "HTTP/1.1 426 Upgrade Required"),
    ("version-missing", upgrade(drop=("Sec-WebSocket-Version",)), "HTTP/1.1 426 Upgrade Required"),
    ("http-1.0", upgrade(version="HTTP/1.0"), "HTTP/1.1 400 Bad Request"),
    ("connection-missing", upgrade(drop=("Connection",)), "HTTP/1.1 400 Bad Request"),
    ("connection-keep-alive", upgrade(Connection="keep-alive"), "HTTP/1.1 400 Bad Request"),
    ("upgrade-missing", upgrade(drop=("Upgrade",)), "HTTP/1.1 400 Bad Request"),
    ("upgrade-h2c", upgrade(Upgrade="h2c", HTTP2_Settings="AAMAAABkAAQAAP__", Connection="Upgrade, HTTP2-Settings"),
     "HTTP/1.1 400 Bad Request"),
    ("post", upgrade(method="POST"), "HTTP/1.1 405 Method Not Allowed"),
    ("put", upgrade(method="PUT"), "HTTP/1.1 405 Method Not Allowed"),
    ("delete", upgrade(method="DELETE"), "HTTP/1.1 405 Method Not Allowed"),
    ("options", upgrade(method="OPTIONS"), "HTTP/1.1 405 Method Not Allowed"),
    ("unknown-path", upgrade("/v1/nope"), "HTTP/1.1 404 Not Found"),
    ("path-below-viewer", upgrade(f"/v1/viewer/extra?room={ROOM}"), "HTTP/1.1 404 Not Found"),
    ("both-lengths", upgrade(Content_Length="5", Transfer_Encoding="chunked"), "HTTP/1.1 400 Bad Request"),
    ("transfer-encoding", upgrade(Transfer_Encoding="chunked"), "HTTP/1.1 400 Bad Request"),
]


@pytest.mark.parametrize("request_bytes,expected", [(r, e) for _, r, e in REFUSED_UPGRADES],
                         ids=[name for name, _, _ in REFUSED_UPGRADES])
def test_refused_upgrade(daemon: Daemon, control: Member, request_bytes: bytes, expected: str) -> None:
    response = exchange(daemon, request_bytes)
    assert status_line(response) == expected, response
    assert answers(response) == 1, response
    head = head_of(response)
    assert "Connection: close" in head
    if " 426 " in expected:
        assert "Sec-WebSocket-Version: 13" in head
    if " 405 " in expected:
        assert "Allow: GET" in head


@pytest.mark.parametrize("method,target", [("POST", "/healthz"), ("PUT", "/metrics"), ("DELETE", "/v1/stats"),
                                           ("PATCH", "/healthz"), ("OPTIONS", "/metrics"), ("HEAD", "/healthz")])
def test_read_only_endpoints_are_get_only(daemon: Daemon, control: Member, method: str, target: str) -> None:
    response = exchange(daemon, plain(method, target, "Content-Length: 0"))
    assert status_line(response) == "HTTP/1.1 405 Method Not Allowed", response
    assert "Allow: GET" in head_of(response)


def test_refusals_are_counted_by_status(chorusd) -> None:
    daemon: Daemon = chorusd()
    wait_metric(daemon, "chorus_http_refused_total", 0, status="426")
    for _ in range(3):
        assert status_line(exchange(daemon, upgrade(Sec_WebSocket_Version="12"))).startswith("HTTP/1.1 426 ")
    assert status_line(exchange(daemon, plain("POST", "/healthz"))).startswith("HTTP/1.1 405 ")
    wait_metric(daemon, "chorus_http_refused_total", 3, status="426")
    wait_metric(daemon, "chorus_http_refused_total", 1, status="405")
    assert metric_sum(daemon.metrics(), "chorus_http_refused_total", status="404") == 0


def test_connect_is_refused_and_closed(daemon: Daemon, control: Member) -> None:
    response = exchange(daemon, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    assert status_line(response) == "HTTP/1.1 405 Method Not Allowed", response
    assert "Allow: GET" in head_of(response)


def test_websocket_endpoint_without_upgrade_is_400(daemon: Daemon, control: Member) -> None:
    response = exchange(daemon, plain("GET", f"/v1/viewer?room={ROOM}"))
    assert status_line(response) == "HTTP/1.1 400 Bad Request", response


def test_smuggled_request_is_not_answered(daemon: Daemon, control: Member) -> None:
    """RFC 9112 6.1: Content-Length with Transfer-Encoding is refused and the connection closed,
    so the request hidden in the body is never read as a second request."""
    smuggled = plain("GET", "/metrics")
    body = b"0\r\n\r\n" + smuggled
    request = plain("POST", "/healthz", f"Content-Length: {len(body)}", "Transfer-Encoding: chunked") + body
    response = exchange(daemon, request)
    assert status_line(response) == "HTTP/1.1 400 Bad Request", response
    assert answers(response) == 1, response
    get_with_both = plain("GET", "/healthz", "Content-Length: 5", "Transfer-Encoding: chunked") + b"0\r\n\r\n" + smuggled
    response = exchange(daemon, get_with_both)
    assert status_line(response) == "HTTP/1.1 400 Bad Request", response
    assert answers(response) == 1, response


def test_bad_percent_encoding_gets_the_librarys_403(daemon: Daemon, control: Member) -> None:
    """lws 4.1 refuses a URI it cannot decode while parsing, before any callback (docs/security.md)."""
    response = exchange(daemon, upgrade(f"/v1/viewer?room=%zz"))
    assert status_line(response) == "HTTP/1.0 403 Forbidden", response


@pytest.mark.parametrize("target", [f"/v1/viewer?room={ROOM}&user=a%00b", "/healthz?x=%00"])
def test_nul_in_the_target_is_closed_by_the_library(daemon: Daemon, control: Member, target: str) -> None:
    """lws 4.1's URI decoder fails the request on a decoded NUL (parsers.c, `if (!c) return -1`)
    and closes the socket before any callback: no answer is possible (docs/security.md)."""
    assert exchange(daemon, upgrade(target)) == b""


def test_unknown_upgrade_gets_the_librarys_403(daemon: Daemon, control: Member) -> None:
    response = exchange(daemon, upgrade(Upgrade="foo"))
    assert status_line(response) == "HTTP/1.0 403 Forbidden", response
    assert answers(response) == 1, response


@pytest.mark.parametrize("since", ["", "%2B5", "-1", "1e3"])
def test_malformed_since_is_4000(daemon: Daemon, control: Member, since: str) -> None:
    expect_close_on_open(daemon.ws_url(f"/v1/viewer?room={ROOM}&feed=all&since={since}"), 4000)


def test_ten_kilobyte_token_is_refused(daemon: Daemon, control: Member) -> None:
    response = exchange(daemon, upgrade(f"/v1/console?rooms={ROOM}&token={'t' * 10240}"))
    assert status_line(response) == "HTTP/1.1 431 Request Header Fields Too Large", response


def test_ten_kilobyte_bearer_token_is_4003(daemon: Daemon, control: Member) -> None:
    """In the Authorization header (not a query argument) it reaches the token check: 4003."""
    ws = RawWebSocket(daemon.port, f"/v1/console?rooms={ROOM}", headers={"Authorization": "Bearer " + "t" * 10240})
    try:
        while True:
            opcode, _, payload = ws.recv_frame()
            if opcode == 8:
                break
        assert int.from_bytes(payload[:2], "big") == 4003, payload
    finally:
        ws.close()


def test_twenty_thousand_continuation_frames_behind_a_refused_h2c(daemon: Daemon, control: Member) -> None:
    """The issue's flood (≈ 460 KB): the connection is closed after the 400, so none of it is
    parsed as HTTP/2 and it costs no log lines."""
    before = daemon.stderr_text().count("\n")
    request = upgrade(Upgrade="h2c", HTTP2_Settings="AAMAAABkAAQAAP__", Connection="Upgrade, HTTP2-Settings")
    continuation = b"\x00\x00\x10\x09\x00\x00\x00\x00\x01" + b"\x00" * 14
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=5) as sock:
        sock.sendall(request)
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(65536)
            assert chunk, response
            response += chunk
        assert status_line(response) == "HTTP/1.1 400 Bad Request", response
        try:
            sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + continuation * 20000)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed under the flood: what should happen
        try:
            while sock.recv(65536):
                pass
        except ConnectionResetError:
            pass
    assert daemon.stderr_text().count("\n") - before < 50


def test_http2_preface_is_refused(daemon: Daemon, control: Member) -> None:
    before = daemon.stderr_text().count("\n")
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    # A CONTINUATION flood behind it (frame type 9, stream 1): never read as HTTP/2.
    continuation = b"\x00\x00\x10\x09\x00\x00\x00\x00\x01" + b"\x00" * 16
    response = exchange(daemon, preface + continuation * 2000)
    # lws 4.1 does not know the method `PRI` and answers 403 itself (HTTP/2 is never spoken).
    assert status_line(response) == "HTTP/1.0 403 Forbidden", response
    assert daemon.stderr_text().count("\n") - before < 50


def test_h2c_upgrade_with_a_flood_behind_it_is_refused(daemon: Daemon, control: Member) -> None:
    before = daemon.stderr_text().count("\n")
    request = upgrade(Upgrade="h2c", HTTP2_Settings="AAMAAABkAAQAAP__", Connection="Upgrade, HTTP2-Settings")
    continuation = b"\x00\x00\x10\x09\x00\x00\x00\x00\x01" + b"\x00" * 16
    response = exchange(daemon, request + b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + continuation * 2000)
    assert status_line(response) == "HTTP/1.1 400 Bad Request", response
    assert b"101" not in response
    assert daemon.stderr_text().count("\n") - before < 50


@pytest.mark.parametrize("partial", [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
                                     b"CONNECT example.com:443 HTTP/1.1\r\n", b"GET /v1/viewer?room=lobby HTT"])
def test_incomplete_request_is_closed_after_the_handshake_timeout(daemon: Daemon, control: Member,
                                                                  partial: bytes) -> None:
    """limits.handshakeTimeoutSeconds is 2 here: the socket is closed, /healthz stays reachable."""
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=15) as sock:
        sock.sendall(partial)
        started = time.monotonic()
        status, _, _ = daemon.http("GET", "/healthz")
        assert status == 200
        try:
            rest = sock.recv(65536)
        except ConnectionResetError:
            rest = b""
        waited = time.monotonic() - started
    assert not rest.startswith(b"HTTP/1.1 2"), rest
    # Closed by the timeout (2 s), long before the client's 15 s; generous for a busy host.
    assert 1.0 <= waited < 12, waited


def refused_soon(daemon: Daemon, seconds: float = 20) -> None:
    """Opens viewers until one is closed with 4029. Each service thread accepts from its own
    socket, so a half-open socket may be accepted after a viewer that came later: that viewer
    is welcomed (and closed again by the `with`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            expect_close_on_open(daemon.ws_url(f"/v1/viewer?room={ROOM}"), 4029, timeout=2.0)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def welcomed_soon(daemon: Daemon, seconds: float = 10) -> Member:
    """Opens viewers until one is welcomed: closed sockets give their counts back once the
    daemon notices their close."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return daemon.viewer(ROOM)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_half_open_sockets_count_against_the_address(chorusd, tmp_path) -> None:
    daemon: Daemon = chorusd({"limits": {"maxConnectionsPerIP": 3, "handshakeTimeoutSeconds": 30}})
    control = daemon.viewer(ROOM)  # one of the 3
    idle = [socket.create_connection(("127.0.0.1", daemon.port), timeout=5) for _ in range(2)]
    try:
        for sock in idle:
            sock.sendall(b"GET /v1/viewer?room=lobby HTTP/1.1\r\n")  # never finished
        refused_soon(daemon)
        status, _, _ = daemon.http("GET", "/healthz")
        assert status == 200, "plain requests are still answered"
    finally:
        for sock in idle:
            sock.close()
    with welcomed_soon(daemon) as viewer:
        viewer.send({"type": "like", "cid": "after-idle"})
        control.recv_until(lambda f: f.get("type") == "batch"
                           and any(m.get("cid") == "after-idle" for m in f["messages"]), what="after-idle")
    control.close()


def test_a_socket_accepted_while_the_address_was_full_counts_once_another_closes(chorusd) -> None:
    """The count is of open sockets, checked at the upgrade: a half-open socket accepted while
    its address was full still counts after a viewer leaves, so the address stays full."""
    daemon: Daemon = chorusd({"limits": {"maxConnectionsPerIP": 3, "handshakeTimeoutSeconds": 30}})
    control = daemon.viewer(ROOM)
    first = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
    first.sendall(b"GET /v1/viewer?room=lobby HTTP/1.1\r\n")
    leaving = daemon.viewer(ROOM)  # the third: welcomed
    refused_soon(daemon)  # the half-open one is accepted and counted
    second = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)  # the fourth
    second.sendall(b"GET /v1/viewer?room=lobby HTTP/1.1\r\n")
    try:
        leaving.close()
        # control + two half-open sockets: full again once the second is accepted, and stays so.
        refused_soon(daemon)
        for _ in range(3):
            expect_close_on_open(daemon.ws_url(f"/v1/viewer?room={ROOM}"), 4029, timeout=5.0)
    finally:
        first.close()
        second.close()
    welcomed_soon(daemon).close()  # the half-open sockets' closes gave their counts back
    control.close()


def test_head_larger_than_the_header_table_is_closed_by_the_library(daemon: Daemon, control: Member) -> None:
    """limits.maxRequestHeadBytes (16 KB): lws 4.1 closes a request whose head does not fit
    without answering (parsers.c: "Ran out of header data space"); documented in docs/security.md."""
    assert exchange(daemon, upgrade(f"/v1/viewer?room={ROOM}", X_Filler="f" * 20000)) == b""


def test_library_error_lines_are_rate_limited(chorusd) -> None:
    daemon: Daemon = chorusd({"limits": {"libraryLogLinesPerSecond": 3}})
    control = daemon.viewer(ROOM)
    oversized = upgrade(f"/v1/viewer?room={ROOM}", X_Filler="f" * 20000)
    started = time.monotonic()
    for _ in range(40):
        assert exchange(daemon, oversized) == b""
    time.sleep(1.2)  # a line in a later second carries the summary of what was dropped
    assert exchange(daemon, oversized) == b""
    elapsed = time.monotonic() - started
    daemon.wait_log("library log lines suppressed")
    lines = daemon.stderr_text().count("Ran out of header data space")
    assert 1 <= lines <= 3 * (int(elapsed) + 2), lines
    with daemon.viewer(ROOM) as sender:
        sender.send({"type": "like", "cid": "after-flood"})
        control.recv_until(lambda f: f.get("type") == "batch"
                           and any(m.get("cid") == "after-flood" for m in f["messages"]), what="after-flood")
    control.close()

"""systemd's notify protocol, spoken to a real datagram socket standing in for systemd."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

from chorustest import Daemon


def receive_until(sock: socket.socket, wanted: str, timeout: float) -> list[str]:
    messages: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            messages.append(sock.recv(4096).decode())
        except TimeoutError:
            break
        if any(wanted in line.split("\n") for line in messages):
            return messages
    raise AssertionError(f"no {wanted!r} from chorusd; got {messages!r}")


def test_ready_watchdog_and_stopping_notifications(tmp_path: Path) -> None:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    daemon = Daemon(tmp_path / "d", {}, env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"})
    try:
        daemon.start(wait=False)
        ready = receive_until(sock, "READY=1", timeout=10)
        # READY=1 is sent only once the daemon serves.
        status, _, _ = daemon.http("GET", "/healthz")
        assert status == 200
        assert any(f"STATUS=serving on 127.0.0.1:{daemon.port}" in m for m in ready), ready
        # WATCHDOG_USEC=0.4 s: a ping at least every 0.2 s.
        receive_until(sock, "WATCHDOG=1", timeout=2)
        receive_until(sock, "WATCHDOG=1", timeout=2)
        # A reload (locale files) is announced and ends with READY=1 again.
        daemon.signal(signal.SIGHUP)
        receive_until(sock, "RELOADING=1", timeout=5)
        receive_until(sock, "READY=1", timeout=5)
        daemon.signal(signal.SIGTERM)
        receive_until(sock, "STOPPING=1", timeout=5)
        assert daemon.wait_exit(timeout=15) == 0
    finally:
        daemon.stop()
        sock.close()


def test_sighup_does_not_stop_the_daemon(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", {})
    try:
        daemon.start()
        daemon.signal(signal.SIGHUP)
        time.sleep(0.3)
        status, _, _ = daemon.http("GET", "/healthz")
        assert status == 200
        assert "SIGHUP" in daemon.stderr_text()
    finally:
        daemon.stop()

"""systemd's notify protocol, spoken to a real datagram socket standing in for systemd."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from chorustest import Daemon, Member, chorusd_binary, free_port


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


def notified_daemon(tmp_path: Path) -> tuple[socket.socket, Daemon]:
    """A daemon (not started) whose NOTIFY_SOCKET is a datagram socket the test reads, with
    WATCHDOG_USEC=0.4 s: a ping at least every 0.2 s."""
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    return sock, Daemon(tmp_path / "d", {}, env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"})


def test_ready_watchdog_and_stopping_notifications(tmp_path: Path) -> None:
    sock, daemon = notified_daemon(tmp_path)
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


def test_socket_activation_serves_every_socket_systemd_passes_and_ignores_listen(tmp_path: Path) -> None:
    """systemd-socket-activate (no PID 1 needed) listens on two ports and execs chorusd on the
    first connection with LISTEN_FDS=2; the configured listen port must stay closed."""
    activated, second, configured = free_port(), free_port(), free_port()
    log = open(tmp_path / "activate.log", "wb")
    process = subprocess.Popen(
        ["systemd-socket-activate", "-l", f"127.0.0.1:{activated}", "-l", f"127.0.0.1:{second}",
         str(chorusd_binary()), "--listen", f"127.0.0.1:{configured}", "--state-dir", str(tmp_path / "state")],
        stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 15
        while not (tmp_path / "activate.log").read_text().count("Listening on") == 2:
            assert time.monotonic() < deadline, (tmp_path / "activate.log").read_text()
            time.sleep(0.05)
        for port in (activated, second):  # the first request starts the daemon
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/healthz")
            assert connection.getresponse().status == 200
            connection.close()
        with Member.open(f"ws://127.0.0.1:{second}/v1/viewer?room=lobby") as viewer:
            viewer.send({"type": "chat", "text": "hello through an inherited socket"})
            assert viewer.recv_type("batch")["messages"][0]["text"] == "hello through an inherited socket"
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", configured), timeout=1).close()
        text = (tmp_path / "activate.log").read_text()
        assert "socket activation" in text and "sockets=2" in text, text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        log.close()


def test_a_stalled_service_loop_stops_the_watchdog_pings(tmp_path: Path) -> None:
    """SIGUSR2 (a hook of debug builds) blocks service thread 0's loop for 3 s: the main
    thread is fine, but the pings must stop until the loop runs again."""
    sock, daemon = notified_daemon(tmp_path)
    try:
        daemon.start(wait=False)
        receive_until(sock, "READY=1", timeout=10)
        receive_until(sock, "WATCHDOG=1", timeout=2)
        daemon.signal(signal.SIGUSR2)
        pings: list[float] = []
        stalled_at = time.monotonic()
        deadline = stalled_at + 6
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                if "WATCHDOG=1" in sock.recv(4096).decode().split("\n"):
                    pings.append(time.monotonic() - stalled_at)
            except TimeoutError:
                break
        gaps = [b - a for a, b in zip([0.0] + pings, pings)]
        assert pings and pings[-1] > 3, f"the pings did not resume after the stall: {pings}"
        assert max(gaps) >= 1.5, f"the pings went on through a stalled loop: {pings}"
        daemon.wait_log("withholding the watchdog ping")
    finally:
        daemon.stop()
        sock.close()

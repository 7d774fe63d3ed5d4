"""SIGHUP reloads settings without dropping anyone (README, "Reload"): run-time settings apply to
open connections' next messages and to new connections, restart-only ones are refused with a log
line and keep their value, an invalid configuration changes nothing, and the console secret
rotates. Every reload is waited for through systemd's protocol (RELOADING=1, then READY=1, sent
once every service thread uses the new values), so nothing here depends on timing."""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from chorustest import Daemon, deep_merge, expect_close_on_open, free_port, make_token

NEW_SECRET = "rotated-secret-for-reload-tests"
TEXT_30 = "thirty characters of chat text"  # longer than the reloaded maxChatChars below
assert len(TEXT_30) == 30


class NotifiedDaemon:
    """A daemon whose NOTIFY_SOCKET is a datagram socket the test reads, and whose config file
    the test rewrites before each SIGHUP."""

    def __init__(self, tmp_path: Path, config: dict[str, Any]):
        path = str(tmp_path / "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.daemon = Daemon(tmp_path / "d", config, env={"NOTIFY_SOCKET": path})

    def start(self) -> None:
        self.daemon.start(wait=False)
        self.receive_until("READY=1", timeout=15)

    def receive_until(self, wanted: str, timeout: float = 15) -> list[str]:
        messages: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                break
            if wanted in messages[-1].split("\n"):
                return messages
        raise AssertionError(f"no {wanted!r} from chorusd; got {messages!r}\n{self.daemon.stderr_text()[-2000:]}")

    def reload(self, change: dict[str, Any] | None = None, raw: str | None = None) -> None:
        """Rewrites the config file (merged with `change`, or `raw` text as is), sends SIGHUP and
        waits for RELOADING=1 then READY=1."""
        assert self.daemon.config is not None
        if raw is not None:
            self.daemon.config_path.write_text(raw)
        else:
            self.daemon.config = deep_merge(self.daemon.config, change or {})
            self.daemon.config_path.write_text(json.dumps(self.daemon.config, indent=2))
        self.daemon.signal(signal.SIGHUP)
        self.receive_until("RELOADING=1")
        self.receive_until("READY=1")

    def close(self) -> None:
        self.daemon.stop()
        self.sock.close()


@pytest.fixture
def notified(tmp_path: Path) -> Iterator[NotifiedDaemon]:
    daemon = NotifiedDaemon(tmp_path, {})
    daemon.start()
    yield daemon
    daemon.close()


def chat_error(member: Any, text: str) -> dict[str, Any]:
    member.send({"type": "chat", "text": text})
    return member.recv_type("error", timeout=15)


def chat_arrives(sender: Any, text: str, *receivers: Any) -> None:
    sender.send({"type": "chat", "text": text})
    for receiver in (sender, *receivers):
        receiver.recv_until(lambda f: f.get("type") == "batch" and any(
            m.get("text") == text for m in f["messages"]), timeout=15, what=f"batch with {text!r}")


def test_new_limits_apply_to_open_and_new_connections(notified: NotifiedDaemon) -> None:
    daemon = notified.daemon
    with daemon.viewer("lobby", user="before") as before:
        chat_arrives(before, TEXT_30)
        notified.reload({"limits": {"maxChatChars": 20, "chatPerWindow": 3}, "batch": {"maxDelayMs": 20}})
        daemon.wait_log("reloaded: batch.maxDelayMs 50→20, limits.maxChatChars 500→20, limits.chatPerWindow 20→3")
        # The connection open across the reload: its next message is held to the new length,
        # and it keeps receiving.
        error = chat_error(before, TEXT_30)
        assert error["code"] == "invalid_field", error
        with daemon.viewer("lobby", user="after") as after:
            assert after.welcome["batch"] == {"maxMessages": 256, "maxDelayMs": 20}
            assert chat_error(after, TEXT_30)["code"] == "invalid_field"
            chat_arrives(after, "short one", before)
            chat_arrives(before, "still here", after)
            # The new rate: three per window ("short one" was the first), then rate_limited.
            chat_arrives(after, "two", before)
            chat_arrives(after, "three", before)
            assert chat_error(after, "four")["code"] == "rate_limited"


def test_an_unchanged_reload_says_so(notified: NotifiedDaemon) -> None:
    notified.reload()
    notified.daemon.wait_log("no settings changed")


def test_rooms_open_on_first_join_once_reloaded_to(notified: NotifiedDaemon) -> None:
    daemon = notified.daemon
    expect_close_on_open(daemon.ws_url("/v1/viewer?room=popup"), 4004)
    notified.reload({"rooms": {"autoCreate": True}})
    with daemon.viewer("popup") as viewer:
        chat_arrives(viewer, "a room of its own")


def test_restart_only_settings_are_refused_and_kept(notified: NotifiedDaemon) -> None:
    daemon = notified.daemon
    old_port = daemon.port
    new_port = free_port()
    notified.reload({"listen": {"port": new_port}, "transport": {"eventLoop": "poll"}, "limits": {"maxChatChars": 20}})
    daemon.wait_log(f"refused at reload: listen.port needs a restart (kept {old_port}, not {new_port})")
    daemon.wait_log("refused at reload: transport.eventLoop needs a restart (kept libev, not poll)")
    # The run-time setting of the same reload applies.
    daemon.wait_log("reloaded: limits.maxChatChars 500→20")
    status, _, _ = daemon.http("GET", "/healthz")
    assert status == 200
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", new_port), timeout=2).close()
    with daemon.viewer("lobby") as viewer:
        assert chat_error(viewer, TEXT_30)["code"] == "invalid_field"


def test_an_invalid_configuration_changes_nothing(notified: NotifiedDaemon) -> None:
    daemon = notified.daemon
    with daemon.viewer("lobby") as viewer:
        notified.reload({"limits": {"maxChatChars": 20}, "batch": {"maxDelayMs": 0}})
        daemon.wait_log("reload refused, nothing changed: configuration 'batch.maxDelayMs' must be in 1...10000")
        chat_arrives(viewer, TEXT_30)
        notified.reload(raw="{ not json")
        daemon.wait_log("reload refused, nothing changed: configuration '--config'", count=1)
        chat_arrives(viewer, TEXT_30)
        with daemon.viewer("lobby") as new:
            assert new.welcome["batch"] == {"maxMessages": 256, "maxDelayMs": 50}
        # Fixed, the same change applies.
        notified.reload({"batch": {"maxDelayMs": 50}})
        daemon.wait_log("reloaded: limits.maxChatChars 500→20")
        assert chat_error(viewer, TEXT_30)["code"] == "invalid_field"


def test_the_log_level_reloads(notified: NotifiedDaemon) -> None:
    daemon = notified.daemon
    daemon.wait_log("locales loaded", count=1)
    notified.reload({"logLevel": "warning"})
    # The notices of that reload and the next (locale files loaded again) are below the new level.
    notified.reload()
    assert daemon.stderr_text().count("locales loaded") == 1, daemon.stderr_text()[-2000:]
    notified.reload({"logLevel": "info"})
    daemon.wait_log("locales loaded", count=2)


def test_console_secret_rotates(notified: NotifiedDaemon) -> None:
    daemon = notified.daemon
    old_token = make_token(["lobby"])
    with daemon.console(["lobby"], token=old_token) as console, daemon.viewer("lobby") as viewer:
        notified.reload({"console": {"secret": NEW_SECRET}})
        daemon.wait_log("reloaded: console.secret changed")
        assert NEW_SECRET not in daemon.stderr_text()
        expect_close_on_open(daemon.ws_url(f"/v1/console?rooms=lobby&token={old_token}"), 4003)
        with daemon.console(["lobby"], token=make_token(["lobby"], secret=NEW_SECRET)) as new_console:
            # The console opened with the old secret stays open and keeps receiving.
            chat_arrives(viewer, "after the rotation", console, new_console)


def test_console_secret_file_is_read_again(tmp_path: Path) -> None:
    notified = NotifiedDaemon(tmp_path, {"console": {"secret": None}})
    try:
        notified.start()
        daemon = notified.daemon
        secret_file = daemon.state_dir / "console.secret"
        first = secret_file.read_text().strip()
        with daemon.console(["lobby"], token=make_token(["lobby"], secret=first)) as console:
            secret_file.write_text(NEW_SECRET + "\n")
            notified.reload()
            daemon.wait_log(f"reloaded: console secret ({daemon.state_dir}/console.secret)")
            url = daemon.ws_url("/v1/console?rooms=lobby&token=" + make_token(["lobby"], secret=first))
            expect_close_on_open(url, 4003)
            with daemon.console(["lobby"], token=make_token(["lobby"], secret=NEW_SECRET)) as new_console, \
                    daemon.viewer("lobby") as viewer:
                chat_arrives(viewer, "read again", console, new_console)
    finally:
        notified.close()

"""Process lifecycle: graceful SIGTERM, config errors, command-line form, console secret."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from chorustest import (DEFAULT_CONFIG, chorusd_binary, deep_merge, expect_close_on_open, make_token,
                        metric_sum)


def test_sigterm_flushes_pending_batch_then_closes_1001(chorusd) -> None:
    daemon = chorusd({"batch": {"maxMessages": 64, "maxDelayMs": 3000, "leadingEdge": False}})
    sender = daemon.viewer("lobby")
    other = daemon.viewer("lobby")
    try:
        seq = sender.welcome["seq"]
        sent_at = time.monotonic()
        sender.send({"type": "chat", "text": "last words before shutdown", "cid": "pending"})
        # Wait (briefly, well inside maxDelayMs) until the daemon has accepted the message.
        deadline = sent_at + 1.0
        while time.monotonic() < deadline:
            if metric_sum(daemon.metrics(), "chorus_interactions_total", type="chat") >= 1:
                break
            time.sleep(0.02)
        daemon.signal(signal.SIGTERM)
        for member in (sender, other):
            batch = member.recv_type("batch", timeout=5)
            assert time.monotonic() - sent_at < 2.5, "the pending batch waited for maxDelayMs instead of the shutdown"
            assert batch["from"] == seq + 1 and batch["messages"][0]["cid"] == "pending"
            member.expect_close(1001, timeout=5)
        assert daemon.wait_exit(timeout=10) == 0
    finally:
        sender.close()
        other.close()
    assert "Traceback" not in daemon.stderr_text()


def test_sigterm_idle_exits_zero_and_stops_listening(chorusd) -> None:
    daemon = chorusd()
    viewer = daemon.viewer("lobby")
    try:
        daemon.signal(signal.SIGTERM)
        viewer.expect_close(1001)
        assert daemon.wait_exit(timeout=10) == 0
    finally:
        viewer.close()
    with pytest.raises(OSError):
        daemon.http("GET", "/healthz", timeout=1)


@pytest.mark.parametrize("override, needle", [
    ({"batch": {"maxMessages": 0}}, "maxMessages"),
    ({"batch": {"maxDelayMs": -5}}, "maxDelayMs"),
    ({"limits": {"maxMessageBytes": "big"}}, "maxMessageBytes"),
    ({"rooms": {"static": ["bad room"]}}, "static"),
    ({"listen": {"host": "127.0.0.1", "port": 70000}}, "port"),
    ({"batch": {"maxMesages": 5}}, "maxMesages"),
    ({"console": {"secret": "short"}}, "secret"),
])
def test_invalid_config_exits_non_zero(tmp_path: Path, override: dict, needle: str) -> None:
    config = deep_merge(DEFAULT_CONFIG, {"listen": {"host": "127.0.0.1", "port": 0}, "stateDir": str(tmp_path / "s")})
    config = deep_merge(config, override)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(config))
    out = subprocess.run([str(chorusd_binary()), "--config", str(path)], capture_output=True, text=True, timeout=10)
    assert out.returncode == 78, f"exit code {out.returncode} (README: 78, EX_CONFIG); stderr:\n{out.stderr}"
    assert needle in out.stderr, f"stderr does not name {needle!r}:\n{out.stderr}"


def test_unparseable_config_exits_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"listen": {"host": "127.0.0.1",')
    out = subprocess.run([str(chorusd_binary()), "--config", str(path)], capture_output=True, text=True, timeout=10)
    assert out.returncode != 0
    assert out.stderr.strip(), "no message on stderr"
    missing = subprocess.run([str(chorusd_binary()), "--config", str(tmp_path / "nope.json")],
                             capture_output=True, text=True, timeout=10)
    assert missing.returncode != 0 and "nope.json" in missing.stderr, missing.stderr


def test_command_line_form_and_generated_secret(chorusd, tmp_path: Path) -> None:
    daemon = chorusd(args=["--listen", "127.0.0.1:{port}", "--state-dir", "{state}"])
    status, _, _ = daemon.http("GET", "/healthz")
    assert status == 200
    secret_file = daemon.state_dir / "console.secret"
    assert secret_file.exists(), "no console.secret generated in the state dir"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_bytes()

    # `chorusd token` signs with the same generated secret.
    config = tmp_path / "token.json"
    config.write_text(json.dumps({"stateDir": str(daemon.state_dir)}))
    out = subprocess.run([str(chorusd_binary()), "token", "--config", str(config), "--room", "lobby",
                          "--ttl", "600"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    with daemon.console(["lobby"], token=token) as console:
        assert console.welcome["rooms"][0]["room"] == "lobby"

    # Restarting reuses the secret: the same token still opens a console.
    daemon.stop()
    restarted = chorusd(args=["--listen", "127.0.0.1:{port}", "--state-dir", str(daemon.state_dir)])
    assert secret_file.read_bytes() == secret
    with restarted.console(["lobby"], token=token):
        pass


def test_secret_from_environment(chorusd) -> None:
    daemon = chorusd({"console": {"secret": None}}, env={"CHORUS_CONSOLE_SECRET": "secret-from-the-environment"})
    assert "secret" not in daemon.config["console"]
    with daemon.console(["lobby"], token=make_token(["lobby"], secret="secret-from-the-environment")):
        pass
    expect_close_on_open(daemon.ws_url(f"/v1/console?rooms=lobby&token={make_token(['lobby'])}"), 4003)

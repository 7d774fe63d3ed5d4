"""Helpers for the chorusd integration tests: a daemon runner, WebSocket clients, frame checks.

Everything here follows docs/protocol.md. Nothing in this module sleeps to assert: every wait is
a poll or a read with a deadline.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

REPO = Path(__file__).resolve().parents[2]
SECRET = "s3cret-for-integration-tests"  # chorusd wants >= 16 bytes

DEFAULT_CONFIG: dict[str, Any] = {
    "logLevel": "info",
    "batch": {"maxMessages": 256, "maxDelayMs": 50},
    "limits": {
        "maxMessageBytes": 4096,
        "maxChatChars": 500,
        "maxConnections": 19500,
        "viewerQueueBytes": 262144,
        "consoleQueueBytes": 8388608,
        "maxErrorsPerConnection": 20,
    },
    "rooms": {"static": ["lobby"], "autoCreate": False, "idleSeconds": 600},
    "console": {"secret": SECRET},
}

# Sentences a language tagger cannot get wrong, and text with no language at all.
SENTENCES = {
    "en": "Hello everyone, I would really like to know when this jacket will be available in my size.",
    "es": "Hola a todos, me gustaría mucho saber cuándo estará disponible esta chaqueta en mi talla.",
    "pt": "Olá pessoal, eu gostaria muito de saber quando essa jaqueta vai estar disponível no meu tamanho.",
    "fr": "Bonjour à tous, je voudrais vraiment savoir quand cette veste sera disponible dans ma taille.",
    "und": "😍🔥👏🎉",
}


def chorusd_binary() -> Path:
    return Path(os.environ.get("CHORUSD") or REPO / ".build" / "debug" / "chorusd")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def make_token(rooms: Iterable[str] | str, expiry: int | None = None, secret: str | bytes = SECRET) -> str:
    """A console token as protocol.md defines it: rooms "." expiry "." hex(HMAC-SHA256)."""
    rooms_part = rooms if isinstance(rooms, str) else ",".join(rooms)
    if expiry is None:
        expiry = int(time.time()) + 3600
    payload = f"{rooms_part}.{expiry}"
    key = secret.encode() if isinstance(secret, str) else secret
    signature = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{signature}"


# --------------------------------------------------------------------------------------------
# The daemon


class Daemon:
    """One chorusd process with its own config, state dir, port and stderr log."""

    def __init__(self, workdir: Path, config: dict[str, Any] | None = None, *,
                 args: list[str] | None = None, env: dict[str, str] | None = None,
                 raw_config: dict[str, Any] | None = None):
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.state_dir = workdir / "state"
        self.port = free_port()
        self.log_path = workdir / "chorusd.stderr.log"
        self.config_path = workdir / "chorusd.json"
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        if args is not None:
            self.config = None
            self.args = [a.replace("{port}", str(self.port)).replace("{state}", str(self.state_dir)) for a in args]
        else:
            if raw_config is not None:
                self.config = raw_config
            else:
                self.config = deep_merge(DEFAULT_CONFIG, config or {})
                self.config["listen"] = {"host": "127.0.0.1", "port": self.port}
                self.config["stateDir"] = str(self.state_dir)
            self.config_path.write_text(json.dumps(self.config, indent=2))
            self.args = ["--config", str(self.config_path)]
        # A daemon serving TLS is reached over https:// and wss://, trusting its own certificate.
        certificate = ((self.config or {}).get("tls") or {}).get("certificateFile")
        self.ssl_context: ssl.SSLContext | None = None
        if certificate:
            try:
                self.ssl_context = ssl.create_default_context(cafile=certificate)
            except (OSError, ssl.SSLError):
                pass  # a test of bad certificates: this daemon is not meant to serve

    # -- process

    def start(self, wait: bool = True) -> "Daemon":
        binary = chorusd_binary()
        if not binary.exists():
            raise RuntimeError(f"chorusd binary not found at {binary} (set CHORUSD or run swift build)")
        env = dict(os.environ)
        env.pop("CHORUS_CONSOLE_SECRET", None)
        if self.env:
            env.update(self.env)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(binary), *self.args], stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=self._log, env=env, cwd=self.workdir)
        if wait:
            self.wait_healthy()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stderr_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, text: str, count: int = 1, timeout: float = 10.0) -> None:
        """Polls the daemon's log until `text` appears `count` times."""
        deadline = time.monotonic() + timeout
        while self.stderr_text().count(text) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear {count} time(s) in the log:\n{self.stderr_text()[-2000:]}")
            time.sleep(0.05)

    def wait_healthy(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | str = "no answer"
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"chorusd exited with {self.proc.returncode} before serving; stderr:\n{self.stderr_text()[-4000:]}")
            try:
                status, _, body = self.http("GET", "/healthz", timeout=1.0)
                if status == 200:
                    return
                last = f"HTTP {status} {body[:100]!r}"
            except OSError as error:
                last = error
            time.sleep(0.05)
        raise RuntimeError(f"chorusd not healthy after {timeout}s (last: {last}); stderr:\n{self.stderr_text()[-4000:]}")

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait_exit(self, timeout: float) -> int:
        assert self.proc is not None
        self.returncode = self.proc.wait(timeout=timeout)
        return self.returncode

    def stop(self, timeout: float = 3.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.returncode = self.proc.returncode
        self._log.close()
        return self.returncode

    def rss_kb(self) -> int:
        return proc_status_kb(self.pid, "VmRSS")

    # -- HTTP / WebSocket addresses

    def http(self, method: str, path: str, timeout: float = 5.0,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        if self.ssl_context is not None:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=timeout, context=self.ssl_context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()

    def ws_url(self, path: str) -> str:
        scheme = "wss" if self.ssl_context is not None else "ws"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        status, _, body = self.http("GET", "/metrics")
        assert status == 200, status
        return parse_prometheus(body.decode())

    # -- clients

    def viewer(self, room: str, locale: str | None = None, region: str | None = None,
               user: str | None = None, langs: str | None = None, feed: str | None = None,
               **kw: Any) -> "Member":
        query = [f"room={room}"]
        if langs is not None:
            query.append(f"langs={langs}")
        if feed is not None:
            query.append(f"feed={feed}")
        if locale is not None:
            query.append(f"locale={locale}")
        if region is not None:
            query.append(f"region={region}")
        if user is not None:
            query.append(f"user={user}")
        return Member.open(self.ws_url("/v1/viewer?" + "&".join(query)), ssl_context=self.ssl_context, **kw)

    def console(self, rooms: Iterable[str], token: str | None = None, langs: str | None = None,
                header_token: str | None = None, **kw: Any) -> "Member":
        query = ["rooms=" + ",".join(rooms)]
        if langs is not None:
            query.append(f"langs={langs}")
        if token is not None:
            query.append(f"token={token}")
        headers = {"Authorization": f"Bearer {header_token}"} if header_token else None
        return Member.open(self.ws_url("/v1/console?" + "&".join(query)), headers=headers,
                           ssl_context=self.ssl_context, **kw)


def proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


_METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _METRIC_LINE.match(line)
        if not match:
            continue
        labels = frozenset(_LABEL.findall(match.group(3) or ""))
        try:
            samples[(match.group(1), labels)] = float(match.group(4))
        except ValueError:
            continue
    return samples


def metric_sum(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
               **labels: str) -> float:
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


def wait_metric(daemon: "Daemon", name: str, expected: float, timeout: float = 5.0, **labels: str) -> None:
    """Polls /metrics until the sum of `name` (with `labels`) equals `expected`: service threads
    publish their statistics on their timer, not at once."""
    deadline = time.monotonic() + timeout
    while True:
        value = metric_sum(daemon.metrics(), name, **labels)
        if value == expected:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{name}{labels} is {value}, expected {expected}")
        time.sleep(0.05)


# --------------------------------------------------------------------------------------------
# WebSocket members


def ws_connect(url: str, headers: dict[str, str] | None = None,
               subprotocols: list[str] | None = None, source: str | None = None,
               ssl_context: ssl.SSLContext | None = None) -> ClientConnection:
    """`source`: a loopback address to connect from (127.0.0.2, …), to look like another client IP."""
    sock = None
    if source is not None:
        host, port = re.match(r"ws://([^:/]+):(\d+)", url).groups()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(5)
        sock.bind((source, 0))
        sock.connect((host, int(port)))
    # max_queue=None: the library's reader thread never stops reading, so a test client never
    # pushes back on the daemon unless the test wants it to (see RawWebSocket).
    tls = {"ssl": ssl_context} if url.startswith("wss:") else {}
    return connect(url, sock=sock, additional_headers=headers, subprotocols=subprotocols, proxy=None, **tls,
                   compression=None, max_queue=None, open_timeout=5, ping_interval=None, close_timeout=3,
                   max_size=None, legacy=True)


class Member:
    """A viewer or console: a WebSocket whose first frame is `welcome`."""

    def __init__(self, ws: ClientConnection, welcome: dict[str, Any], welcome_raw: str):
        self.ws = ws
        self.welcome = welcome
        self.welcome_raw = welcome_raw
        self.frames: list[dict[str, Any]] = []  # every frame after welcome, in order
        self.raw: list[str] = []
        self.high: dict[str, int] = {}  # highest `to` of a batch or missed frame, per room

    @classmethod
    def open(cls, url: str, headers: dict[str, str] | None = None, timeout: float = 5.0,
             subprotocols: list[str] | None = None, source: str | None = None,
             ssl_context: ssl.SSLContext | None = None) -> "Member":
        ws = ws_connect(url, headers, subprotocols, source, ssl_context)
        try:
            raw = ws.recv(timeout=timeout)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
            ws.close()
            raise AssertionError(f"{url}: closed with {code} instead of a welcome") from closed
        frame = json.loads(raw)
        assert frame.get("type") == "welcome", f"first frame is not welcome: {raw}"
        return cls(ws, frame, raw)

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> "Member":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def send(self, frame: dict[str, Any] | str | bytes) -> None:
        if isinstance(frame, dict):
            frame = json.dumps(frame, ensure_ascii=False)
        self.ws.send(frame)

    def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        raw = self.ws.recv(timeout=timeout)
        assert isinstance(raw, str), f"binary frame from the daemon: {raw!r}"
        frame = json.loads(raw)
        self.frames.append(frame)
        self.raw.append(raw)
        if frame.get("type") in ("batch", "missed") and isinstance(frame.get("to"), int):
            room = frame.get("room")
            self.high[room] = max(self.high.get(room, -1), frame["to"])
        return frame

    def recv_until(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0,
                   what: str = "frame") -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {what} within {timeout}s; got {summarize(self.frames[-10:])}")
            try:
                frame = self.recv(timeout=remaining)
            except TimeoutError:
                raise AssertionError(f"no {what} within {timeout}s; got {summarize(self.frames[-10:])}") from None
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                raise AssertionError(f"closed with {code} before a {what}; got {summarize(self.frames[-10:])}") from None
            if predicate(frame):
                return frame

    def recv_type(self, type_: str, timeout: float = 5.0) -> dict[str, Any]:
        return self.recv_until(lambda f: f.get("type") == type_, timeout, what=f"'{type_}' frame")

    def read_through(self, room: str, seq: int, timeout: float = 5.0) -> None:
        """Reads until a batch or missed frame of `room` reaches `seq` (or one already did)."""
        def reached(f: dict[str, Any]) -> bool:
            return f.get("type") in ("batch", "missed") and f.get("room") == room and f.get("to", -1) >= seq
        if self.high.get(room, -1) < seq:
            self.recv_until(reached, timeout, what=f"batch of {room} through seq {seq}")

    def batches(self, room: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("type") == "batch" and (room is None or f.get("room") == room)]

    def messages(self, room: str | None = None) -> list[dict[str, Any]]:
        return [m for b in self.batches(room) for m in b["messages"]]

    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("type") == "error"]

    def drain(self, quiet: float = 0.3) -> None:
        """Reads whatever arrives until nothing has come for `quiet` seconds."""
        while True:
            try:
                self.recv(timeout=quiet)
            except TimeoutError:
                return

    def expect_close(self, code: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Reads until the daemon closes; asserts the close code; returns the frames read."""
        return expect_close(self.ws, code, timeout, self.frames)


def expect_close(ws: ClientConnection, code: int, timeout: float = 5.0,
                 sink: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = [] if sink is None else sink
    start = len(seen)
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"not closed within {timeout}s (wanted {code}); got {summarize(seen[start:][-10:])}")
        try:
            raw = ws.recv(timeout=remaining)
        except TimeoutError:
            continue
        except ConnectionClosed as closed:
            got = closed.rcvd.code if closed.rcvd else None
            reason = closed.rcvd.reason if closed.rcvd else None
            assert got == code, f"closed with {got} ({reason!r}), wanted {code}; frames before: {summarize(seen[start:][-10:])}"
            return seen[start:]
        seen.append(json.loads(raw))


def expect_close_on_open(url: str, code: int, headers: dict[str, str] | None = None,
                         timeout: float = 5.0, source: str | None = None) -> list[dict[str, Any]]:
    """Opens a WebSocket that the daemon must close with `code` (before or after a welcome)."""
    try:
        ws = ws_connect(url, headers, source=source)
    except InvalidStatus as error:
        raise AssertionError(
            f"{url}: handshake refused with HTTP {error.response.status_code}, wanted a WebSocket close {code}") from error
    with ws:
        frames = expect_close(ws, code, timeout)
    assert not any(f.get("type") == "welcome" for f in frames), f"welcomed before close {code}: {frames}"
    return frames


def summarize(frames: list[dict[str, Any]]) -> str:
    out = []
    for f in frames:
        if f.get("type") == "batch":
            out.append(f"batch({f.get('room')} {f.get('from')}..{f.get('to')} n={len(f.get('messages', []))})")
        elif f.get("type") == "missed":
            out.append(f"missed({f.get('room')} {f.get('from')}..{f.get('to')})")
        else:
            out.append(json.dumps(f)[:200])
    return "[" + ", ".join(out) + "]"


def check_batch(batch: dict[str, Any]) -> None:
    """One batch frame: `from`/`to` are exactly the sequence numbers of its messages (a console's
    filtered copy holds a subset, and `filtered` counts the rest)."""
    seqs = [m["seq"] for m in batch["messages"]]
    span = list(range(batch["from"], batch["to"] + 1))
    # A viewer that fell behind gets shed batches: commerce kept, likes folded, chat dropped.
    filtered = batch.get("filtered", 0) + batch.get("dropped", 0) + batch.get("likes", 0)
    if "dropped" in batch:
        assert all(m["type"] in ("gift", "cart", "purchase", "coupon") for m in batch["messages"]), \
            f"shed batch {batch['from']}..{batch['to']} kept chat or likes"
    if filtered:
        assert seqs == sorted(set(seqs)) and set(seqs) <= set(span), \
            f"filtered batch {batch['from']}..{batch['to']} holds seqs {seqs}"
        assert len(seqs) + filtered == len(span), f"batch {batch['from']}..{batch['to']}: {len(seqs)} messages + " \
            f"{filtered} filtered"
    else:
        assert seqs, f"empty batch: {batch}"
        assert seqs == span, f"batch {batch['from']}..{batch['to']} holds seqs {seqs}"


def assert_room_unaffected(daemon: "Daemon", member: "Member", room: str, forbidden_cid: str | None = None) -> None:
    """The control viewer `member` of `room` received everything accepted there since its welcome,
    in order, then a closing like, and no error meant for someone else (nor any chat whose `cid`
    is `forbidden_cid`): what the bad-input tests check after each case."""
    with daemon.viewer(room) as closer:
        closer.send({"type": "like", "cid": "end-of-test"})
        last = closer.welcome["seq"] + 1
        member.read_through(room, last)
        assert_coverage(member.frames, room, member.welcome["seq"] + 1, last)
        assert not member.errors(), f"errors leaked to another viewer: {member.errors()}"
        if forbidden_cid is not None:
            assert all(m.get("cid") != forbidden_cid for m in member.messages()), "a bad connection's chat was relayed"
        assert member.messages()[-1]["cid"] == "end-of-test"


def assert_coverage(frames: list[dict[str, Any]], room: str, first: int, last: int | None = None,
                    allow_missed: bool = False) -> None:
    """Batches (and missed frames) of `room` cover first..last consecutively, once each, in order."""
    expected = first
    for f in frames:
        if f.get("room") != room or f.get("type") not in ("batch", "missed"):
            continue
        if f["type"] == "missed":
            assert allow_missed, f"unexpected missed frame {f}"
            assert f["count"] == f["to"] - f["from"] + 1, f"missed count does not match its range: {f}"
        else:
            check_batch(f)
        assert f["from"] == expected, \
            f"{f['type']} {f['from']}..{f['to']} in {room} does not start at {expected}: {summarize(frames)}"
        assert f["to"] >= f["from"], f
        expected = f["to"] + 1
    if last is not None:
        assert expected == last + 1, f"{room}: covered up to {expected - 1}, wanted {last}"


# --------------------------------------------------------------------------------------------
# A raw WebSocket client: sends what the library will not (invalid UTF-8), and can stop reading.


class RawWebSocket:
    def __init__(self, port: int, path: str, rcvbuf: int | None = None,
                 headers: dict[str, str] | None = None, timeout: float = 5.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError(f"connection closed during handshake: {self.buffer!r}")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.head = head.decode("latin-1")
        status_line = head.split(b"\r\n", 1)[0]
        assert b" 101 " in status_line + b" ", f"handshake refused: {head!r}"
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        assert accept in head, f"bad Sec-WebSocket-Accept: {head!r}"
        self.close_code: int | None = None

    def send_frame(self, opcode: int, payload: bytes, fin: bool = True) -> None:
        self.sock.sendall(self.frame(opcode, payload, fin))

    @staticmethod
    def frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
        """A masked client frame, for callers that write several in one go."""
        header = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return header + mask + masked

    def send_text(self, text: str | bytes) -> None:
        self.send_frame(0x1, text.encode() if isinstance(text, str) else text)

    def _fill(self, n: int, deadline: float) -> None:
        """Buffers at least n bytes (consuming nothing, so a timeout never loses frame sync)."""
        while len(self.buffer) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                raise TimeoutError from None
            if not chunk:
                raise EOFError("TCP connection closed without a WebSocket close frame")
            self.buffer += chunk

    def recv_frame(self, timeout: float = 5.0) -> tuple[int, bool, bytes]:
        deadline = time.monotonic() + timeout
        self._fill(2, deadline)
        b0, b1 = self.buffer[0], self.buffer[1]
        assert not b1 & 0x80, "server frames must not be masked"
        n, header = b1 & 0x7F, 2
        if n == 126:
            self._fill(4, deadline)
            n, header = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif n == 127:
            self._fill(10, deadline)
            n, header = struct.unpack("!Q", self.buffer[2:10])[0], 10
        self._fill(header + n, deadline)
        payload = self.buffer[header:header + n]
        self.buffer = self.buffer[header + n:]
        return b0 & 0x0F, bool(b0 & 0x80), payload

    def recv(self, timeout: float = 5.0) -> dict[str, Any] | None:
        """The next text message as JSON; None once a close frame arrived (see close_code)."""
        deadline = time.monotonic() + timeout
        parts: list[bytes] = []
        while True:
            opcode, fin, payload = self.recv_frame(max(0.0, deadline - time.monotonic()))
            if opcode == 0x9:
                self.send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                return None
            parts.append(payload)
            if fin:
                return json.loads(b"".join(parts).decode("utf-8"))

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
